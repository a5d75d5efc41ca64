"""The kinds of role a person holds at a place: plain choices, no database, so that pure
modules (the procedure tables in ``consult.procedures``) can name them."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class RoleKind(TextChoices):
    REPRESENTATIVE = "representative", _("Residents' representative")  # 居民代表/村民代表
    COURIER = "courier", _("Opinion courier")  # 民情专递员
    STAFF = "staff", _("Community worker")  # 社区工作者
    CHAIR = "chair", _("Committee chair")  # 协商委员会主任
    PARTY = "party", _("Party organisation")  # 党组织
    SUPERVISOR = "supervisor", _("Supervisory committee")  # 村(居)务监督委员会
    TOWNSHIP = "township", _("Township / street official")  # 乡镇(街道)
    DEPARTMENT = "department", _("Government department")  # 职能部门
    CITY = "city", _("Civil-affairs bureau")  # 市民政局
    # 000 §(四)(2) 健全法律顾问制度: gives opinions on lawfulness; not staff, acts on nothing else.
    LEGAL_ADVISER = "legal_adviser", _("Legal adviser")  # 法律顾问
