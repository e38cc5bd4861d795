from django.urls import path

from laurel.accounts.views import identifiers, profile, reset, signin, two_factor, verify

app_name = "accounts"
urlpatterns = [
    path("login/", signin.login, name="login"),
    path("logout/", signin.logout, name="logout"),
    path("signup/", signin.signup, name="signup"),
    path("password-reset/", reset.password_reset, name="password_reset"),
    path("reset/<uidb64>/<token>/", reset.password_set, name="password_reset_confirm"),
    path("verify-email/", verify.verify_email_status, name="verify_email_status"),
    path("verify-email/resend/", verify.verify_email_resend, name="verify_email_resend"),
    path("verify-email/<str:token>/", verify.verify_email, name="verify_email"),
    path("verify-student-id/<str:token>/", verify.verify_student_id, name="verify_student_id"),
    path("two-factor/", two_factor.two_factor, name="two_factor"),
    path("two-factor/backup-codes/", two_factor.backup_codes, name="backup_codes"),
    path("two-factor/disable/", two_factor.two_factor_disable, name="two_factor_disable"),
    path("identifiers/", identifiers.identifiers, name="identifiers"),
    path("identifiers/email/", identifiers.add_email, name="add_email"),
    path("identifiers/student-id/", identifiers.add_student_id, name="add_student_id"),
    path("identifiers/<int:pk>/resend/", identifiers.resend, name="resend_identifier"),
    path("identifiers/<int:pk>/remove/", identifiers.remove, name="remove_identifier"),
    path("profile/", profile.profile, name="profile"),
]
