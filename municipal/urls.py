app_name = "municipal"

urlpatterns: list = []
