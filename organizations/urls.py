from django.urls import path

from .views import directory, imports, invitations, people, profile

app_name = "organizations"

urlpatterns = [
    path("", directory.directory, name="directory"),
    path("export/", directory.export, name="export"),
    path("new/", profile.create, name="create"),
    path("import/", imports.import_upload, name="import"),
    path("import/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/template.csv", imports.import_template, name="import_template"),
    path("invitations/<str:token>/", invitations.accept, name="accept_invitation"),
    path("<int:pk>/", profile.detail, name="detail"),
    path("<int:pk>/edit/", profile.edit, name="edit"),
    path("<int:pk>/history/", profile.history, name="history"),
    path("<int:pk>/invite/", invitations.invite, name="invite"),
    path("<int:pk>/people/new/", people.person_add, name="person_add"),
    path("<int:pk>/people/<int:person_pk>/edit/", people.person_edit, name="person_edit"),
    path("<int:pk>/people/<int:person_pk>/delete/", people.person_delete, name="person_delete"),
]
