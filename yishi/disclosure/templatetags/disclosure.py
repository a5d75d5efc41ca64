from django import template

from yishi.core.masking import mask_name
from yishi.disclosure.rules import mask_personal_numbers

register = template.Library()


@register.filter
def masked(text: object) -> str:
    """Public pages: mobile and ID numbers in a notice's text shown as 138****1234."""
    return mask_personal_numbers(str(text or ""))


@register.filter
def masked_name(name: object) -> str:
    """A resident's name as a public notice shows it: 张*."""
    return mask_name(str(name or ""))
