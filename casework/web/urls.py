from django.urls import path

from . import attachments, export, identity, insight, intake, review_intake, views

urlpatterns = [
    path("", views.home, name="home"),
    path("intake/", intake.intake, name="intake"),
    path("review-requests/", review_intake.review_intake, name="review_intake"),
    path("export.csv", export.export_csv, name="export_csv"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/registered/", intake.registered, name="registered"),
    path("cases/<int:case_id>/act/<str:action>/", views.case_act, name="case_act"),
    path("cases/<int:case_id>/recuse/", views.case_recuse, name="case_recuse"),
    path("cases/<int:case_id>/documents/<str:kind>.pdf", views.case_document, name="case_document"),
    path("cases/<int:case_id>/attachments/<int:attachment_id>/", attachments.case_attachment, name="case_attachment"),
    path("cases/<int:case_id>/supervise/", views.case_supervise, name="case_supervise"),
    path("cases/<int:case_id>/identity/", identity.case_identity, name="case_identity"),
    path("cases/<int:case_id>/identity/views/", identity.case_identity_views, name="case_identity_views"),
    path("supervision/", views.supervision, name="supervision"),
    path("hot/", insight.hot, name="hot_issues"),
    path("intake/insight/", insight.intake_insight, name="intake_insight"),
    path("cases/<int:case_id>/insight/", insight.case_insight, name="case_insight"),
    path("supervision/<int:notice_id>/answer/", views.supervision_answer, name="supervision_answer"),
    path("tools/due-date/", views.due_date, name="due_date"),
]
