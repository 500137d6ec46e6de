app_name = "municipal-indicators"

urlpatterns: list = []
