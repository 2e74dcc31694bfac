import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from followups import selectors as followups_selectors
from followups.models import CalendarFeed
from pes21.roles import is_staff_member, staff_required

from . import calendar, services
from .forms import DigestForm


@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The account page: the weekly digest's day (and the calendar feed, for staff)."""
    form = DigestForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Préférences enregistrées.")
        return redirect("notifications:account")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_path = reverse("notifications:calendar_feed", args=[feed.token]) if feed else ""
    return render(
        request,
        "notifications/account.html",
        {
            "form": form,
            "calendar_allowed": is_staff_member(request.user),
            "feed": feed,
            "feed_url": request.build_absolute_uri(feed_path) if feed else "",
        },
    )


@staff_required
def agenda(request: HttpRequest) -> HttpResponse:
    """The coming two weeks: next steps, meetings, follow-ups due, day by day."""
    today = timezone.localdate()
    end = today + dt.timedelta(days=calendar.AGENDA_DAYS - 1)
    entries = calendar.agenda_entries(request.user, start=today, end=end, today=today)
    days = [
        (day, [entry for entry in entries if entry.day == day])
        for day in (today + dt.timedelta(days=n) for n in range(calendar.AGENDA_DAYS))
    ]
    overdue = followups_selectors.follow_ups_due_count(
        today=today, staff=request.user, before=today
    )
    return render(
        request,
        "notifications/agenda.html",
        {"today": today, "end": end, "days": days, "overdue_follow_ups": overdue},
    )


@login_not_required
@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed: its token is the only key (calendar applications cannot log in); an
    unknown, renewed or removed token, or an account no longer on the staff, answers 404."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active or not is_staff_member(feed.user):
        raise Http404
    response = HttpResponse(calendar.feed_ics(feed), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="pes21.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
@staff_required
def calendar_renew(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_renew(user=request.user)
    messages.success(request, "Nouvelle adresse d'agenda créée : l'ancienne ne fonctionne plus.")
    return redirect(f"{reverse('notifications:account')}#agenda")


@require_POST
@staff_required
def calendar_details(request: HttpRequest) -> HttpResponse:
    detailed = request.POST.get("detailed") == "1"
    services.calendar_feed_set_detailed(user=request.user, detailed=detailed)
    messages.success(
        request,
        "Votre agenda montre désormais le nom des projets et les prochaines étapes."
        if detailed
        else "Votre agenda ne montre plus que le type de chaque élément et son lien.",
    )
    return redirect(f"{reverse('notifications:account')}#agenda")


@require_POST
@staff_required
def calendar_remove(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_remove(user=request.user)
    messages.success(request, "Adresse d'agenda supprimée : elle ne fonctionne plus.")
    return redirect(f"{reverse('notifications:account')}#agenda")
