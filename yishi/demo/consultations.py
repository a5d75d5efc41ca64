"""The demo's consultations, notice board and follow-up (issue 3).

Both communities get topics at every stage of the procedure (rules.TopicState): screened
candidates (accepted, merged, referred, rejected), plans drafted and approved, notices
sent, a meeting in sign-in, one voting now, meetings with no consensus, referrals to the
residents' (representatives') meeting, consensus memos, signed minutes, filed, published
and closed outcomes, with implementation tasks, a dissenter's explanation and two topics
entrusted by the district housing bureau whose written answers are overdue or due soon.
Then notices on the public board and the year's 三务公开 schedule, one item overdue.

Everything runs through the services on the demo's ``Timeline`` with the actor who would
act: staff and the chair screen and run meetings, the party secretary approves major
plans, participants cast their own ballots, the bureau's official reports progress.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from yishi.consult import services as consult
from yishi.consult.models import Meeting, Participant, Plan, Topic, VoteMethod
from yishi.core import clock
from yishi.core.workdays import add_working_days
from yishi.disclosure import rules as disclosure_rules
from yishi.disclosure import services as disclosure
from yishi.disclosure.models import DisclosureItem, NoticeKind
from yishi.intake.models import JointProposal
from yishi.intake.rules import ProposalState
from yishi.places.models import Person

from . import content
from .content import ConsultText

if TYPE_CHECKING:
    from .builder import Demo

Box = dict[str, Any]

# Days ago of the (first) meeting, by how far the topic has gone.
MEETING_DAYS = {"signing_in": 0, "consulting": 0, "consensus": 2, "second_pending": 6,
                "second_scheduled": 12, "at_assembly": 9, "decided": 14, "minutes_signed": 8,
                "filed": 12, "published": 16, "closed": 45}
# Topics whose vote fails: no consensus, or the matter is too contested.
FAILS = {"visitor_parking", "fee", "pond", "pig_farm"}
LOCATION = {"community": "幸福社区党群服务中心二楼议事厅", "village": "桃园村党群服务中心会议室"}
MEETING_HOUR = {"community": (19, 0), "village": (9, 30)}
SOURCE_WORDS = {"member": "协商委员会成员提出", "opinion": "居民在民情恳谈中提出",
                "entrusted": f"{content.BUREAU}委托", "joint_proposal": "居民联名提议达到法定人数",
                "statutory": "法律法规要求"}
VILLAGE_SOURCE_WORDS = {"opinion": "村民在民情恳谈中提出"}


class Cast:
    """Who acts in one community's consultations."""

    def __init__(self, demo: Demo, key: str) -> None:
        self.key = key
        self.community = demo.places[key]
        self.staff = demo.named["staff" if key == "community" else "village_staff"]
        self.chair = demo.named["chair" if key == "community" else "village_chair"]
        seats = demo.committee[key]  # in Seat order: party, committee, supervisory, ...
        self.seats = seats
        self.party = seats[0]
        self.staff_user = demo.user(self.staff)
        self.chair_user = demo.user(self.chair)
        self.party_user = demo.user(self.party)
        # 村(居)务监督委员会: reviews each 三务公开 disclosure before it is published.
        self.supervisor_user = demo.user(seats[2])
        committee = {p.pk for p in seats} | {p.pk for p in demo.named.values()}
        self.others = [p for p in demo.pool[key] if p.pk not in committee and demo.age(p) >= 25]


def _at(demo: Demo, days_ago: int, hour: int, minute: int = 0) -> datetime:
    return demo.local(days_ago, hour, minute)


def _topic(box: Box) -> Topic:
    return Topic.objects.select_related("community").get(pk=box["t"].pk)


def _meeting(box: Box) -> Meeting:
    # The services lock and re-read the row; the instance only names the meeting.
    meeting: Meeting = box["m"]
    return meeting


def _participant(box: Box, who: Person | str) -> Participant:
    plan = box["plan"]
    if isinstance(who, str):
        return Participant.objects.get(plan=plan, name=who)
    return Participant.objects.get(plan=plan, person=who)


class Story:
    """Schedules one topic's consultation up to ``spec.end``."""

    def __init__(self, demo: Demo, cast: Cast, spec: ConsultText, box: Box) -> None:
        self.demo, self.cast, self.spec, self.box = demo, cast, spec, box
        self.tl = demo.timeline
        rng = demo.rng
        # The stakeholders (X), an unrelated resident, and an expert for technical matters.
        picks = rng.sample(cast.others, 3)
        self.x = picks[:2] if spec.major else picks[:1]
        self.resident = picks[2]
        self.expert = ("高建明" if cast.key == "community" else "钱立群") if spec.technical else ""
        self.expert_from = "区房屋安全鉴定站高级工程师" if cast.key == "community" \
            else "区农业农村局农技推广中心"

    # --- screening --------------------------------------------------------------------

    def create(self, when: datetime, proposer: Person | None = None) -> None:
        spec, cast, box = self.spec, self.cast, self.box

        def run() -> None:
            actor = self.demo.user(self.demo.named["dept"]) if spec.entrusted else cast.staff_user
            box["t"] = consult.create_candidate(
                actor=actor, community=cast.community, title=spec.title, text=spec.text,
                category=spec.category, source=spec.source, proposer=proposer,
                entrusted_by=content.BUREAU if spec.entrusted else "")

        self.tl.at(when, run)

    def accept(self, when: datetime) -> None:
        spec = self.spec
        note = "对照事项目录受理" + ("，属重大事项，协商方案报党组织审核" if spec.major else "") \
            + ("；涉及专业技术问题，邀请专家参加" if spec.technical else "")
        if spec.source == "joint_proposal":
            note = "联名人数达到法定比例，依法必须受理；" + note
        self.tl.at(when, lambda: consult.accept_topic(
            actor=self.cast.chair_user, topic=_topic(self.box), catalogue_code=spec.catalogue,
            major=spec.major, technical=spec.technical, note=note))

    def screen(self, when: datetime, boxes: dict[str, Box]) -> None:
        spec, actor = self.spec, self.cast.chair_user
        if spec.end == "merged":
            self.tl.at(when, lambda: consult.merge_topic(
                actor=actor, topic=_topic(self.box), into=_topic(boxes[spec.into]),
                reason=spec.reason))
        elif spec.end == "referred":
            self.tl.at(when, lambda: consult.refer_topic(
                actor=actor, topic=_topic(self.box), referred_to=spec.referred_to,
                reason=spec.reason))
        elif spec.end == "rejected":
            self.tl.at(when, lambda: consult.reject_topic(
                actor=actor, topic=_topic(self.box), reason=spec.reason))

    # --- preparation ------------------------------------------------------------------

    def plan(self, when: datetime, starts_at: datetime) -> None:
        spec, cast, box = self.spec, self.cast, self.box
        form = "hearing" if spec.major and spec.catalogue == "finance" else "council"
        vote = "无记名投票" if self.ballot else "举手表决"
        rules_text = (f"会议由召集人主持；先由召集人说明议题来源和议事规则，再由提出人说明；"
                      f"与会人员每人发言不超过5分钟，围绕议题发表意见；最后以{vote}方式表决，"
                      f"到会人员过半数同意为形成基本共识。")
        materials = f"{spec.text}\n附：议题受理情况、相关政策依据和现场照片。"

        def run() -> None:
            box["plan"] = consult.draft_plan(
                actor=cast.staff_user, topic=_topic(box), starts_at=starts_at,
                location=LOCATION[cast.key], form=form, rules_text=rules_text,
                convener=cast.chair, recorder=cast.staff, materials=materials)
            for person in self.x:
                if not Participant.objects.filter(plan=box["plan"], person=person).exists():
                    consult.add_participant(actor=cast.staff_user, plan=box["plan"], kind="x",
                                            person=person)
            consult.add_participant(actor=cast.staff_user, plan=box["plan"], kind="resident",
                                    person=self.resident)
            if self.expert:
                consult.add_participant(actor=cast.staff_user, plan=box["plan"], kind="expert",
                                        name=self.expert, affiliation=self.expert_from)

        self.tl.at(when, run)

    def approve(self, when: datetime) -> None:
        # 社会稳定风险评估 (002) first: the party approves a major matter's plan only after it.
        money = self.spec.catalogue in ("finance", "assets")
        self.tl.at(when - timedelta(hours=3), lambda: consult.record_risk_assessment(
            actor=self.cast.staff_user, topic=_topic(self.box),
            level="medium" if money else "low",
            findings=("涉及资金和集体资产，少数群众对分配方式有不同意见；未发现群体性上访苗头。"
                      if money else "走访相关住户和商户，群众总体支持，未发现重大分歧和稳定风险。"),
            mitigation=("方案和测算表提前公开；会前逐户沟通有不同意见的群众；会后账目按月公开。"
                        if money else "")))
        self.tl.at(when, lambda: consult.approve_plan(
            actor=self.cast.party_user, plan=Plan.objects.get(pk=self.box["plan"].pk),
            note="经党组织研究，同意该协商方案。"))

    def notify(self, when: datetime) -> None:
        def run() -> None:
            self.box["m"] = consult.send_notices(actor=self.cast.staff_user, topic=_topic(self.box))

        self.tl.at(when, run)

    # --- the meeting ------------------------------------------------------------------

    @property
    def ballot(self) -> bool:
        return self.spec.end == "consulting" and self.cast.key == "community"

    def attendees(self) -> list[Person | str]:
        """Everyone invited but the respected elder's seat (away that day)."""
        seats = [p for p in self.cast.seats if p is not self.cast.seats[-1]]
        people: list[Person | str] = [*seats]
        people += [p for p in self.x if p not in seats] + [self.resident]
        if self.expert:
            people.append(self.expert)
        return people

    def speakers(self) -> list[Person | str]:
        order: list[Person | str] = []
        if self.expert:
            order.append(self.expert)
        order += [*self.x, self.resident]
        order += [self.cast.seats[3], self.cast.seats[4], self.cast.seats[2]]
        return order

    def meeting(self, at: datetime, *, until: str = "closed") -> None:
        """Sign-in from 20 minutes before, the four steps, the vote, then the result."""
        spec, cast, box, tl = self.spec, self.cast, self.box, self.tl
        staff = cast.staff_user
        present = self.attendees()
        tl.at(at - timedelta(minutes=20),
              lambda: consult.open_sign_in(actor=staff, meeting=_meeting(box)))
        arrive = present if until != "signing_in" else present[: len(present) // 2]
        for i, who in enumerate(arrive):
            tl.at(at - timedelta(minutes=18 - i), self._marking(who))
        if until == "signing_in":
            return
        tl.at(at, lambda: consult.open_meeting(actor=staff, meeting=_meeting(box)))
        source = (VILLAGE_SOURCE_WORDS if cast.key == "village" else {}).get(
            spec.source, SOURCE_WORDS.get(spec.source, ""))
        tl.at(at + timedelta(minutes=3), lambda: consult.record_convener_explanation(
            actor=staff, meeting=_meeting(box),
            summary=f"召集人{cast.chair.name}说明：本议题由{source}，经协商委员会对照事项目录筛选受理；"
                    f"介绍了协商内容、参加人员和议事规则。"))
        tl.at(at + timedelta(minutes=10), lambda: consult.record_proposer_explanation(
            actor=staff, meeting=_meeting(box),
            summary=f"提出人介绍了“{_topic_title(box, spec)}”的由来、现状和具体建议。"))
        tl.at(at + timedelta(minutes=18), lambda: consult.open_discussion(
            actor=staff, meeting=_meeting(box)))
        speeches = spec.speeches or ("赞成这个议题，建议尽快拿出具体办法。",
                                     "要充分听取周边住户的意见，做好解释工作。",
                                     "落实过程要公开，接受大家监督。")
        speakers = self.speakers()
        for i, words in enumerate(speeches):
            who = speakers[i % len(speakers)]
            tl.at(at + timedelta(minutes=20 + 6 * i), self._speaking(who, words))
            if words.startswith("我不同意"):
                self.box["dissenter"] = (who, words)
        t = at + timedelta(minutes=22 + 6 * len(speeches))
        method = VoteMethod.BALLOT if self.ballot else VoteMethod.HANDS
        tl.at(t, lambda: consult.open_vote(
            actor=staff, meeting=_meeting(box), method=method,
            question=spec.question or f"同意“{_topic_title(box, spec)}”的协商意见"))
        n = len(present)
        passes = spec.key not in FAILS
        yes = n - 2 if passes else n // 2 - 1
        no = 1 if passes else n - yes - 1
        if method == VoteMethod.BALLOT:
            voters = [p for p in present if isinstance(p, Person)]
            choices = ["no", "abstain"] + ["yes"] * (len(voters) - 2)
            for i, (person, choice) in enumerate(zip(voters, choices, strict=True)):
                tl.at(t + timedelta(minutes=1, seconds=20 * i), self._balloting(person, choice))
        else:
            tl.at(t + timedelta(minutes=2), lambda: consult.record_show_of_hands(
                actor=staff, meeting=_meeting(box), yes=yes, no=no, abstain=n - yes - no))
        tl.at(t + timedelta(minutes=5), lambda: consult.close_vote(actor=staff,
                                                                    meeting=_meeting(box)))
        if until == "voted":
            return
        if spec.key in ("charter", "fee", "dividend", "fishpond"):
            result = "assembly"
        else:
            result = "consensus" if passes else "no_consensus"
        conclusion = spec.memo or "共识纪要：与会人员同意协商意见，由社区组织落实并公开落实情况。"
        tl.at(t + timedelta(minutes=8), lambda: consult.close_meeting(
            actor=staff, meeting=_meeting(box), result=result, conclusion=conclusion))

    def _marking(self, who: Person | str) -> Callable[[], Any]:
        return lambda: consult.mark_attendance(actor=self.cast.staff_user,
                                               meeting=_meeting(self.box),
                                               participant=_participant(self.box, who))

    def _speaking(self, who: Person | str, words: str) -> Callable[[], Any]:
        return lambda: consult.add_speech(actor=self.cast.staff_user, meeting=_meeting(self.box),
                                          participant=_participant(self.box, who), opinion=words)

    def _balloting(self, person: Person, choice: str) -> Callable[[], None]:
        return lambda: consult.cast_ballot(actor=self.demo.user(person),
                                           meeting=_meeting(self.box), choice=choice)

    # --- after the meeting ------------------------------------------------------------

    def sign(self, when: datetime, *, both: bool = True) -> None:
        self.tl.at(when, lambda: consult.sign_minutes(actor=self.cast.chair_user,
                                                      meeting=_meeting(self.box)))
        if both:
            self.tl.at(when + timedelta(hours=1, minutes=10), lambda: consult.sign_minutes(
                actor=self.cast.staff_user, meeting=_meeting(self.box)))

    def assembly(self, held: date, when: datetime, *, passes: bool | None = None) -> None:
        """村(居)民代表会议 as held: notice five days ahead, two thirds or more of the
        representatives signing in, then the count (more than half of those present)."""
        passes = ("通过" in self.spec.decision) if passes is None else passes
        reps = self.demo.reps[self.cast.key]
        here = reps[: -(-len(reps) * 4 // 5)]  # four in five attend
        box, staff = self.box, self.cast.staff_user
        decision = (self.spec.decision or "代表会议讨论通过协商形成的方案，由社区组织实施。")

        def record() -> None:
            box["assembly"] = consult.record_assembly(
                actor=staff, topic=_topic(box), kind="representatives",
                noticed_on=held - timedelta(days=5), held_on=held, location=LOCATION[
                    self.cast.key])
            for person in here:
                consult.mark_present(actor=staff, assembly=box["assembly"], person=person)

        def decide() -> None:
            n = len(here)
            yes = n - 2 if passes else n // 2 - 1
            consult.decide_assembly(actor=staff, assembly=box["assembly"], yes=yes,
                                    no=n - yes - 1, abstain=1, decision=decision,
                                    minutes=f"应到代表{len(reps)}人，实到{n}人，超过三分之二，"
                                            f"会议有效。举手表决：同意{yes}人。")

        self.tl.at(when, record)
        self.tl.at(when + timedelta(minutes=50), decide)

    def file(self, when: datetime) -> None:
        self.tl.at(when, lambda: consult.file_outcome(
            actor=self.cast.staff_user, topic=_topic(self.box),
            note="协商成果已报社区党组织和协商委员会备案。" if self.cast.key == "community"
            else "协商成果已报村党组织和协商委员会备案。"))

    def publish(self, when: datetime) -> None:
        cast = self.cast

        def run() -> None:
            topic = _topic(self.box)
            # The service posts the outcome on the public board itself.
            consult.publish_outcome(actor=cast.staff_user, topic=topic, days=7)

        self.tl.at(when, run)

    def close(self, when: datetime) -> None:
        self.tl.at(when, lambda: consult.close_topic(
            actor=self.cast.staff_user, topic=_topic(self.box),
            note="公示期满无异议，议题办结，落实情况持续公开。"))


def _topic_title(box: Box, spec: ConsultText) -> str:
    return spec.title or Topic.objects.get(pk=box["t"].pk).title


def _story(demo: Demo, cast: Cast, spec: ConsultText, boxes: dict[str, Box]) -> None:
    box: Box = boxes.setdefault(spec.key, {})
    story = Story(demo, cast, spec, box)
    end, rng = spec.end, demo.rng
    proposer = rng.choice(cast.others) if spec.source == "opinion" else (
        cast.seats[3] if spec.source == "member" else None)
    if end in ("candidate", "accepted", "merged", "referred", "rejected"):
        created = {"accepted": 12, "merged": 9, "referred": 15, "rejected": 20}.get(end, 2)
        story.create(_at(demo, created, 9, rng.randint(0, 59)), proposer)
        if end == "accepted":
            story.accept(_at(demo, created - 2, 15, 30))
        elif end != "candidate":
            story.screen(_at(demo, created - 2, 15, rng.randint(0, 59)), boxes)
        return
    if end in ("planned", "approved"):
        created = 12 if end == "planned" else 14
        story.create(_at(demo, created, 9, rng.randint(0, 59)), proposer)
        story.accept(_at(demo, created - 2, 15, 0))
        drafted = 3 if end == "planned" else 6
        hour, minute = MEETING_HOUR[cast.key]
        story.plan(_at(demo, drafted, 10, 0), _at(demo, -(9 if end == "planned" else 6), hour,
                                                   minute))
        if end == "approved":
            story.approve(_at(demo, 4, 16, 0))
        return
    m = MEETING_DAYS[end]
    hour, minute = MEETING_HOUR[cast.key]
    if end == "signing_in":
        at = (demo.now + timedelta(minutes=10)).replace(second=0, microsecond=0)
    elif end == "consulting":
        at = (demo.now - timedelta(minutes=95)).replace(second=0, microsecond=0)
    else:
        at = _at(demo, m, hour, minute)
    story.create(_at(demo, m + 12, 9, rng.randint(0, 59)), proposer)
    story.accept(_at(demo, m + 10, 15, 0))
    story.plan(_at(demo, m + 7, 10, 0), at)
    if spec.major:
        story.approve(_at(demo, m + 6, 16, 0))
    story.notify(_at(demo, m + 5, 9, 0))
    until = {"signing_in": "signing_in", "consulting": "voted"}.get(end, "closed")
    story.meeting(at, until=until)
    _after_meeting(demo, story, end, m)


def _after_meeting(demo: Demo, story: Story, end: str, m: int) -> None:
    if end in ("signing_in", "consulting"):
        return
    if end == "second_pending":
        story.sign(_at(demo, m - 1, 10, 0))
        return
    if end == "second_scheduled":
        hour, minute = MEETING_HOUR[story.cast.key]
        second_at = _at(demo, -3, hour, minute)
        story.sign(_at(demo, m - 1, 10, 0))

        def run() -> None:
            story.box["m"] = consult.schedule_second_meeting(
                actor=story.cast.staff_user, topic=_topic(story.box), starts_at=second_at)

        demo.timeline.at(_at(demo, 5, 10, 0), run)
        return
    if end == "consensus":
        story.sign(_at(demo, max(0, m - 1), 10, 0), both=False)
        return
    if end == "decided":
        story.assembly(demo.today - timedelta(days=4), _at(demo, 3, 16, 0))
        return
    story.sign(_at(demo, m - 1, 10, 0))
    if end in ("at_assembly", "minutes_signed"):
        return
    if story.spec.major and end in ("filed", "published", "closed"):
        # 先协商…再召开村(居)民代表会议讨论通过后实施 (001 §二(一)1): the day after.
        day = demo.today - timedelta(days=m - 1)
        story.assembly(day, _at(demo, m - 1, 19, 0), passes=True)
    story.file(_at(demo, m - 2, 11, 0))
    if end == "filed":
        return
    published = 3 if end == "published" else 40
    story.publish(_at(demo, published, 9, 30))
    if end == "closed":
        story.close(_at(demo, 32, 10, 0))
    _dissent(demo, story, m)


def _dissent(demo: Demo, story: Story, m: int) -> None:
    """解释说明: the resident who spoke against hears the reasons."""
    found = story.box.get("dissenter")
    if found is None:
        return
    who, words = found
    from yishi.followup import services as followup

    box, staff = story.box, story.cast.staff_user

    def mark() -> None:
        box["dissent"] = followup.mark_dissent(
            actor=staff, topic=_topic(box), participant=_participant(box, who),
            grounds="spoke_against", note=words)

    demo.timeline.at(_at(demo, m - 1, 15, 0), mark)
    demo.timeline.at(_at(demo, m - 3, 10, 30), lambda: followup.explain_to_dissenter(
        actor=staff, dissent=box["dissent"],
        text="专项维修资金是全体业主共有的维修资金，车库已过保修期，按《住宅专项维修资金管理办法》"
             "经业主表决后可以使用；使用明细将公示，接受全体业主监督。"))


def _mandatory(demo: Demo, cast: Cast, spec: ConsultText, boxes: dict[str, Box]) -> None:
    """The joint proposal past its threshold is accepted (it must be) and moves forward."""
    box: Box = boxes.setdefault(spec.key, {})
    story = Story(demo, cast, spec, box)
    proposal = JointProposal.objects.filter(community=cast.community)

    def find() -> None:
        reached = proposal.get(state=ProposalState.REACHED)
        assert reached.topic is not None, "the reached proposal has no topic"
        box["t"] = reached.topic
        if cast.key == "community" and reached.proposer_id not in {p.pk for p in cast.seats}:
            story.x = [reached.proposer, *story.x[1:]]  # the proposer is a stakeholder (X)

    if cast.key == "community":
        # Reached about 12 days ago: accepted, planned, approved, participants notified of a
        # meeting in four days' time (a technical matter: the expert is invited).
        demo.timeline.at(_at(demo, 8, 9, 0), find)
        story.accept(_at(demo, 8, 9, 30))
        story.plan(_at(demo, 7, 10, 0), _at(demo, -4, 19, 0))
        story.approve(_at(demo, 6, 16, 0))
        story.notify(_at(demo, 5, 9, 0))
        return
    # 桃园村: reached about three weeks ago, consulted ten days ago, before the
    # representatives' meeting now.
    demo.timeline.at(_at(demo, 18, 9, 0), find)
    story.accept(_at(demo, 18, 9, 30))
    at = _at(demo, 10, 9, 30)
    story.plan(_at(demo, 17, 10, 0), at)
    story.approve(_at(demo, 16, 16, 0))
    story.notify(_at(demo, 15, 9, 0))
    story.meeting(at)
    story.sign(_at(demo, 9, 10, 0))


def build_consultations(demo: Demo) -> None:
    for key in ("community", "village"):
        cast = Cast(demo, key)
        boxes = demo.topics.setdefault(key, {})
        for spec in content.CONSULTATIONS[key]:
            _story(demo, cast, spec, boxes)
        _mandatory(demo, cast, content.MANDATORY[key], boxes)


# --- Follow-up: tasks with progress, entrusted outcomes reported --------------------------


def _due_soon_report_day(today: date) -> int:
    """Days ago to report so that the 10-working-day answer falls due in a day or two."""
    for n in range(1, 20):
        if add_working_days(today - timedelta(days=n), 10).date <= today + timedelta(days=2):
            return n
    return 12


def build_followup(demo: Demo) -> None:
    from yishi.followup import services as followup

    bureau = demo.places["bureau"]
    dept = demo.user(demo.named["dept"])
    for key in ("community", "village"):
        cast = Cast(demo, key)
        boxes = demo.topics[key]
        for spec in content.CONSULTATIONS[key]:
            box = boxes[spec.key]
            m = MEETING_DAYS.get(spec.end)
            if m is None:
                continue
            if spec.entrusted:
                reported = m - 3 if spec.end == "closed" else _due_soon_report_day(demo.today)
                demo.timeline.at(_at(demo, reported, 14, 0), _reporting(followup, cast, box,
                                                                         bureau, reported, demo))
            set_on = m - 4 if spec.end == "closed" else 13
            for i, task in enumerate(spec.tasks):
                _task(demo, followup, cast, box, task, i, set_on, bureau, dept)


def _reporting(followup: Any, cast: Cast, box: Box, bureau: Any, reported: int,
               demo: Demo) -> Callable[[], None]:
    return lambda: followup.report_to_entrusting_body(
        actor=cast.staff_user, topic=_topic(box), body=bureau,
        on=demo.today - timedelta(days=reported))


def _task(demo: Demo, followup: Any, cast: Cast, box: Box, task: content.TaskText, i: int,
          set_on: int, bureau: Any, dept: Any) -> None:
    owner: dict[str, Any] = {}
    actor = cast.staff_user
    if task.owner == "bureau":
        owner["owner_place"], actor = bureau, dept
    elif task.owner == "chair":
        owner["owner_person"], actor = cast.chair, cast.chair_user
    elif task.owner == "staff":
        owner["owner_person"] = cast.staff
    else:
        owner["owner_body"] = task.owner
    deadline = demo.today - timedelta(days=set_on) + timedelta(days=task.days)
    t_box: Box = {}

    def create() -> None:
        t_box["task"] = followup.create_task(
            actor=cast.staff_user, topic=_topic(box), title=task.title, deadline=deadline,
            **owner)

    demo.timeline.at(_at(demo, set_on, 10, 10 + i), create)
    # Updates spread over the time to the deadline (or to today, when it is still open).
    span = min(task.days, set_on)
    for j, text in enumerate(task.progress):
        last = j == len(task.progress) - 1
        days_after = max(1, span * (j + 1) // (len(task.progress) + (0 if task.done else 1)))
        when = _at(demo, max(0, set_on - days_after), 16, 20 + i)
        demo.timeline.at(when, _progress(followup, actor, t_box, text, task.done and last))


def _progress(followup: Any, actor: Any, t_box: Box, text: str,
              complete: bool) -> Callable[[], None]:
    return lambda: followup.record_progress(actor=actor, task=t_box["task"], text=text,
                                            complete=complete)


# --- The notice board and 三务公开 ---------------------------------------------------------

KIND_WORDS = {"party": "党务", "government": "政务", "village": "居务", "finance": "财务"}


def _period_words(code: str) -> str:
    year, part = code.split("-")
    if part.startswith("H"):
        return f"{year}年{'上' if part == 'H1' else '下'}半年"
    return f"{year}年第{'一二三四'[int(part[1]) - 1]}季度"


def build_notices(demo: Demo) -> None:
    rng = demo.rng
    year = demo.today.year
    for key in ("community", "village"):
        cast = Cast(demo, key)
        c = cast.community
        issuer = f"{c.name}{'村民委员会' if key == 'village' else '居民委员会'}"
        for title, body, days_ago, days in content.NOTICES[key]:
            starts = demo.today - timedelta(days=days_ago)
            demo.timeline.at(_at(demo, days_ago, 9, 40), _posting(
                cast, title, body, starts, starts + timedelta(days=days - 1), issuer))
        # The year's 三务公开 schedule, laid out in early January; published before each due
        # date, but one item (the latest government or finance disclosure) is overdue.
        laid_out = max(0, (demo.today - date(year, 1, 5)).days)
        demo.timeline.at(_at(demo, laid_out, 9, 0), _scheduling(cast, year))
        # 误工补贴 (000 (四)(3)): a resident entrusted with organising a consultation in
        # March is paid for the time, and it is posted with the first quarter's disclosure.
        paid = date(year, 3, 12)
        if paid < demo.today and cast.others:
            purpose = "组织楼栋议事会协商" if key == "community" else "组织村民小组协商"
            demo.timeline.at(_at(demo, (demo.today - paid).days, 15, 0),
                             _paying(cast, cast.others[0].name, purpose, paid))
        late_kind = "government" if key == "community" else "finance"
        due = [(d, kind, period) for kind in ("party", "government", "village", "finance")
               for d, period in disclosure_rules.schedule_for_year(kind, year) if d < demo.today]
        late = max((x for x in due if x[1] == late_kind), default=None, key=lambda x: x[0])
        for d, kind, period in sorted(due, key=lambda x: (x[0], x[1])):
            if (d, kind, period) == late:
                continue
            day = d - timedelta(days=rng.randint(2, 8))
            words = KIND_WORDS[kind] if not (kind == "village" and key == "village") else "村务"
            title = f"{c.name}{_period_words(period.code)}{words}公开"
            body = (f"根据三务公开制度，现将{_period_words(period.code)}"
                    f"{content.DISCLOSURE_TEXTS[kind]}予以公开，详见附表。如有疑问，"
                    f"请在公开期内向{'村' if key == 'village' else '居'}务监督委员会反映。")
            when = timezone.make_aware(datetime.combine(max(day, date(year, 1, 6)), time(10, 0)))
            demo.timeline.at(when, _disclosing(cast, kind, period.code, title, body, issuer))
        if late is not None:  # the morning after its due date the township is told
            demo.timeline.at(_at(demo, (demo.today - late[0]).days - 1, 7, 30),
                             _escalating(late[0] + timedelta(days=1)))


def _scheduling(cast: Cast, year: int) -> Callable[[], Any]:
    return lambda: disclosure.schedule_disclosures(actor=cast.staff_user,
                                                   community=cast.community, year=year)


def _posting(cast: Cast, title: str, body: str, starts: date, ends: date,
             issuer: str) -> Callable[[], Any]:
    return lambda: disclosure.publish_notice(
        actor=cast.staff_user, community=cast.community, title=title, body=body,
        starts_on=starts, ends_on=ends, kind=NoticeKind.OTHER, issuer=issuer)


def _paying(cast: Cast, payee: str, purpose: str, paid: date) -> Callable[[], Any]:
    return lambda: disclosure.record_subsidy(actor=cast.staff_user, community=cast.community,
                                             payee=payee, purpose=purpose,
                                             amount=Decimal("100"), paid_on=paid)


def _escalating(today: date) -> Callable[[], Any]:
    return lambda: disclosure.escalate_overdue_disclosures(today=today)


def _disclosing(cast: Cast, kind: str, code: str, title: str, body: str,
                issuer: str) -> Callable[[], None]:
    def run() -> None:
        item = DisclosureItem.objects.select_related("community").get(
            community=cast.community, kind=kind, period=code)
        # The contents checklist ticked, then the supervisory committee agrees (004 第一篇 四.4).
        lines = disclosure_rules.required_contents(kind, is_village=cast.community.is_village)
        if lines:
            disclosure.record_contents(actor=cast.staff_user, item=item,
                                       ticked=[line.code for line in lines])
        disclosure.review_disclosure(actor=cast.supervisor_user, item=item, approve=True)
        today = clock.localdate()
        disclosure.publish_disclosure(actor=cast.staff_user, item=item, title=title, body=body,
                                      starts_on=today, ends_on=today + timedelta(days=89),
                                      issuer=issuer)

    return run
