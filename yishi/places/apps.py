from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "yishi.places"
    label = "places"
    verbose_name = _("Places and people")

    def ready(self) -> None:
        from yishi.core.contacts import register_phone_resolver

        from .contacts import phone_for_user

        # Core's SMS channel asks the register for phone numbers (PersonalData, kept apart).
        register_phone_resolver(phone_for_user)
