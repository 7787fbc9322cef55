from django.contrib import admin

from .models import Jurisdiction, Membership, Unit
from .services import jurisdiction_set_path


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        jurisdiction_set_path(obj)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "jurisdiction", "sector", "letterhead", "phone", "is_active"]
    list_filter = ["kind", "jurisdiction__level", "letterhead", "is_active"]
    search_fields = ["name", "short_name"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "kind", "jurisdiction", "categories", "is_active"]}),
        # what the portal shows the complainant (信访工作条例 Art 18 ¶1)
        ("公开的联系方式", {"fields": ["address", "phone", "reception_hours"]}),
    ]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]
