"""The shared opinion taxonomy (DESIGN.md); communities may add sub-categories under it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    PROPERTY = "property", _("Property management")  # 物业管理
    SANITATION = "sanitation", _("Environment and sanitation")  # 环境卫生
    TRAFFIC = "traffic", _("Roads and traffic")  # 道路交通
    SAFETY = "safety", _("Public safety")  # 治安安全
    UTILITIES = "utilities", _("Water, power and gas")  # 供水供电供气
    WELFARE = "welfare", _("Social welfare")  # 民生保障
    ASSETS = "assets", _("Collective assets and finances")  # 集体资产财务
    CONSTRUCTION = "construction", _("Planning and construction")  # 规划建设
    PUBLIC_SERVICE = "public_service", _("Public welfare, culture and sports")  # 公益文体
    DISPUTE = "dispute", _("Disputes")  # 矛盾纠纷
    GOVERNANCE = "governance", _("Self-governance")  # 自治事务
    OTHER = "other", _("Other")  # 其他
