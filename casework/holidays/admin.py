from django.contrib import admin, messages

from .models import ScheduleDay, ScheduleYear

# The administrator's first page says which year's holiday schedule is missing and how many clocks wait on it.
admin.site.index_template = "holidays/admin_index.html"


@admin.register(ScheduleDay)
class ScheduleDayAdmin(admin.ModelAdmin):
    list_display = ["day", "is_working_day", "name"]
    list_filter = ["is_working_day"]
    date_hierarchy = "day"
    search_fields = ["name"]


@admin.register(ScheduleYear)
class ScheduleYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "entered_at"]
    actions = ["recompute"]

    @admin.action(description="按新的节假日安排重新计算在办案件期限和调解协议的司法确认期限")
    def recompute(self, request, queryset):
        from casework.cases.actions.clocks import cases_recompute_clocks
        from casework.mediation.actions import disputes_recompute_confirmation

        changed = cases_recompute_clocks()
        windows = disputes_recompute_confirmation()
        self.message_user(request, f"已重新计算，{changed} 件案件的期限有变化，{windows} 份调解协议的司法确认期限有变化",
                          messages.SUCCESS)
