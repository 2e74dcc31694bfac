from django.urls import path

from . import views

app_name = "volunteers"
urlpatterns = [
    path("", views.volunteer_list, name="volunteer_list"),
    path("<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("mon-espace/", views.my_space, name="my_space"),
]
