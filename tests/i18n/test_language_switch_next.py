from laurel.test import BaseTestCase


class LanguageSwitchNextTests(BaseTestCase):
    def test_the_language_buttons_return_to_the_page_without_its_lang_parameter(self) -> None:
        response = self.client.get("/?lang=ko&x=1")
        self.assertContains(response, 'name="next" type="hidden" value="/?x=1"')

    def test_a_page_without_a_query_returns_to_its_path(self) -> None:
        response = self.client.get("/accounts/login/")
        self.assertContains(response, 'name="next" type="hidden" value="/accounts/login/"')
