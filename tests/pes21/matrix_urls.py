"""The arguments of every URL pattern, taken from the matrix world."""

import datetime as dt

from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from public.models import ProjectRequest, QuestionnaireInvitation, new_token
from tests import factories


def _follow_up(world) -> list[int]:
    from followups.models import FollowUp

    answer = FollowUp.objects.create(
        engineering=world["step"],
        years_after=1,
        due_on=world["step"].date,
        outcome="active",
        headcount=2,
        answered_on=world["step"].date,
    )
    return [answer.pk]


def _calendar_token(world) -> list[str]:
    from notifications.services import calendar_feed_renew

    return [calendar_feed_renew(user=world.users["staff"]).token]


def _registration_token(world) -> list[str]:
    token, hashed = new_token()
    factories.RegistrationFactory(token_hash=hashed)
    return [token]


def _questionnaire_token(world) -> list[str]:
    token, hashed = new_token()
    QuestionnaireInvitation.objects.create(
        project=world["project"],
        holder=world["holder"],
        token_hash=hashed,
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    return [token]


def _project_request(world) -> list[int]:
    request = ProjectRequest.objects.create(
        kind="creation",
        idea="Une épicerie vrac",
        postal_code="21000",
        commune="Dijon",
        stage="idee",
        holder=world["holder"],
        project=world["project"],
        consent_at=timezone.now(),
        notice_version="2026-12-01",
    )
    return [request.pk]


def _opened_action(world) -> list[int]:
    return [factories.OpeningFactory(action=world["action"]).action.pk]


def _pk(key):
    return lambda w: [w[key].pk]


ARGS = {
    "accompaniment:action_detail": _pk("action"),
    "accompaniment:action_edit": _pk("action"),
    "accompaniment:holder_detail": _pk("holder"),
    "accompaniment:holder_edit": _pk("holder"),
    "accompaniment:project_detail": _pk("project"),
    "accompaniment:project_close": _pk("project"),
    "accompaniment:project_start": _pk("project"),
    "accompaniment:project_edit": _pk("project"),
    "accompaniment:meeting_add": _pk("project"),
    "accompaniment:meeting_edit": _pk("meeting"),
    "volunteers:volunteer_detail": _pk("volunteer"),
    "volunteers:volunteer_invite": _pk("volunteer"),
    "volunteers:volunteer_edit": _pk("volunteer"),
    "volunteers:case_detail": _pk("taken_case"),
    "volunteers:case_close": _pk("taken_case"),
    "volunteers:case_confirm": _pk("taken_case"),
    "volunteers:case_release": _pk("taken_case"),
    "volunteers:my_case": _pk("taken_case"),
    "volunteers:case_open": lambda w: [w["project"].pk],
    "volunteers:case_take": _pk("open_case"),
    "password_reset_confirm": lambda w: [
        urlsafe_base64_encode(force_bytes(w["reset_user"].pk)),
        default_token_generator.make_token(w["reset_user"]),
    ],
    "dla:overview_year": lambda w: [2022],
    "dla:step_edit": _pk("step"),
    "dla:step_delete": _pk("step"),
    "dla:collective_detail": _pk("collective"),
    "dla:collective_edit": _pk("collective"),
    "dla:collective_join": _pk("collective"),
    "dla:provider_detail": _pk("provider"),
    "dla:provider_edit": _pk("provider"),
    "dla:structure_detail": _pk("structure"),
    "dla:step_add": _pk("structure"),
    "dla:structure_edit": _pk("structure"),
    "attachment_download": _pk("attachment"),
    "attachment_remove": _pk("attachment"),
    "attachment_add": lambda w: [
        ContentType.objects.get_for_model(w["project"]).pk,
        w["project"].pk,
    ],
    "picker": lambda w: ["porteur"],
    # No job of anyone's: a job is only ever its launcher's (tests/exchange cover that).
    "exchange:job": lambda w: ["01234567-89ab-cdef-0123-456789abcdef"],
    "exchange:job_retry": lambda w: ["01234567-89ab-cdef-0123-456789abcdef"],
    "generateur:project_detail": _pk("territorial"),
    "generateur:action_add": _pk("territorial"),
    "generateur:action_edit": lambda w: [w["territorial"].pk, w["territorial_action"].pk],
    "generateur:action_delete": lambda w: [w["territorial"].pk, w["territorial_action"].pk],
    "generateur:project_edit": _pk("territorial"),
    "generateur:project_change_phase": _pk("territorial"),
    "generateur:territory_detail": _pk("territory"),
    "generateur:territory_edit": _pk("territory"),
    "reporting:report": lambda w: [2022],
    "reporting:export": lambda w: [2022, "csv"],
    "reporting:focus_edit": lambda w: [2022, w["focus"].pk],
    "reporting:focus_delete": lambda w: [2022, w["focus"].pk],
    "reporting:focus_add": lambda w: [2022],
    "reporting:edition_publish": lambda w: [2022],
    "reporting:report_pdf": lambda w: [2022],
    "reporting:edition_reopen": lambda w: [2022],
    "reporting:edition_edit": lambda w: [2022],
    "reporting:edition_edit_section": lambda w: [2022, "fin"],
    "reporting:images": lambda w: [2022],
    "reporting:image": lambda w: [2022, w["report_image"].pk],
    "reporting:image_delete": lambda w: [2022, w["report_image"].pk],
    "reporting:narrative_edit": lambda w: [2022, w["territorial"].pk],
    "privacy:erase": lambda w: ["porteur", w["holder"].pk],
    "privacy:export": lambda w: ["porteur", w["holder"].pk],
    "followups:project_answer": _pk("project"),
    "followups:structure_answer": _pk("structure"),
    "followups:follow_up_edit": _follow_up,
    "notifications:calendar_feed": _calendar_token,
    "public:action": lambda w: [factories.OpeningFactory().pk],
    "public:registration": _registration_token,
    "public:registration_calendar": _registration_token,
    "public:questionnaire": _questionnaire_token,
    "public_staff:request_detail": _project_request,
    "public_staff:request_handled": _project_request,
    "public_staff:request_use_holder": _project_request,
    "public_staff:request_erase": _project_request,
    "public_staff:opening_edit": _pk("action"),
    "public_staff:attendance": _opened_action,
    "public_staff:registration_cancel": lambda w: [factories.RegistrationFactory().pk],
    "public_staff:questionnaire_invite": _pk("project"),
}
