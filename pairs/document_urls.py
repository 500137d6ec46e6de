from django.urls import path

from pairs import document_views as views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("orders/approve/", views.order_approve, name="order-approve"),
    path("orders/scan/", views.order_scan_upload, name="order-scan-upload"),
    path("orders/<int:pk>/scan/", views.order_scan, name="order-scan"),
]
