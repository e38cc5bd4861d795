from django.urls import path

from laurel.orgs.views import dashboard, invitations, members, org_settings, tokens

app_name = "orgs"
urlpatterns = [
    # Before the organization patterns: "invitations" is a reserved slug.
    path("invitations/<str:token>/", invitations.invitation, name="invitation"),
    path("<slug:slug>/", dashboard.dashboard, name="dashboard"),
    path("<slug:slug>/settings/", org_settings.org_settings, name="settings"),
    path("<slug:slug>/members/", members.members, name="members"),
    path("<slug:slug>/members/invite/", members.invite, name="invite"),
    path("<slug:slug>/members/<str:member_id>/role/", members.change_role, name="change_role"),
    path("<slug:slug>/members/<str:member_id>/remove/", members.remove, name="remove_member"),
    path("<slug:slug>/invitations/<str:invitation_id>/resend/", members.resend, name="resend_invitation"),
    path("<slug:slug>/invitations/<str:invitation_id>/revoke/", members.revoke, name="revoke_invitation"),
    path("<slug:slug>/tokens/", tokens.tokens, name="tokens"),
    path("<slug:slug>/tokens/<int:token_id>/revoke/", tokens.revoke, name="revoke_token"),
]
