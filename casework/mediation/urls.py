from django.urls import path

from . import views

urlpatterns = [
    path("", views.board, name="mediation_board"),
    path("new/", views.register, name="dispute_register"),
    path("<int:dispute_id>/", views.detail, name="dispute_detail"),
    path("<int:dispute_id>/act/<str:action>/", views.act, name="dispute_act"),
    path("<int:dispute_id>/conflict/", views.conflict, name="dispute_conflict"),
    path("<int:dispute_id>/agreement.pdf", views.agreement_pdf, name="dispute_agreement"),
    path("<int:dispute_id>/termination/<int:termination_id>.pdf", views.termination_pdf, name="dispute_termination"),
]
