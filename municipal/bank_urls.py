app_name = "bank"

urlpatterns: list = []
