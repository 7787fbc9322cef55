"""Casework: grievance (信访) and dispute case management for local government."""
