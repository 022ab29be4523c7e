"""Vocabulary for the company generator: people, products, phrases and verbatims."""


def word_list(text: str) -> tuple[str, ...]:
    """Split a `|`- or newline-separated block into stripped, non-empty items."""
    return tuple(p.strip() for p in text.replace("\n", "|").split("|") if p.strip())


SITE = "acme"

PROJECTS: tuple[tuple[str, str], ...] = (
    ("CHK", "Checkout"),
    ("SRCH", "Search"),
    ("MOB", "Mobile"),
    ("BILL", "Billing"),
    ("ONB", "Onboarding"),
    ("API", "Platform API"),
)

OBJECTS: tuple[tuple[str, ...], ...] = (
    word_list("""promo code field | cart page | order summary | payment form | address autocomplete
        shipping estimate | guest checkout flow | Apple Pay button | tax calculation
        order confirmation email | saved card selector | gift card redemption"""),
    word_list("""search bar | results page | filter panel | autocomplete dropdown | typo tolerance
        synonym list | sort menu | search ranking | zero-results page | recent searches list
        faceted navigation | search analytics report"""),
    word_list("""iOS home screen | Android push notification | offline mode | biometric login
        barcode scanner | mobile onboarding carousel | deep link handler | app settings screen
        tablet layout | iOS widget | mobile order history | app update prompt"""),
    word_list("""invoice PDF | plan upgrade flow | seat management page | usage meter | VAT ID field
        payment retry logic | billing history table | proration calculation | trial expiry banner
        refund workflow | currency selector | credit note export"""),
    word_list("""signup form | welcome checklist | workspace setup wizard | team invite flow
        sample data import | product tour | email verification step | SSO setup guide
        CSV importer | activation email | role picker | template gallery"""),
    word_list("""API rate limiter | webhook delivery | API key rotation | OAuth consent screen
        bulk export endpoint | GraphQL schema | audit log API | Python SDK | pagination cursor
        sandbox environment | status page | API docs search"""),
)

USAGE_EVENTS: tuple[tuple[str, ...], ...] = (
    word_list("checkout_started | checkout_completed | promo_applied | payment_failed"),
    word_list("search_performed | search_result_clicked | filter_applied"),
    word_list("app_opened | push_opened | scan_completed"),
    word_list("plan_upgraded | invoice_downloaded | seat_added"),
    word_list("signup_completed | onboarding_step_completed | teammate_invited"),
    word_list("api_key_created | webhook_delivered | export_requested"),
)

SYMPTOMS = word_list("""times out for large accounts | shows a blank screen after login
    rejects valid input | shows the wrong currency | loses unsaved changes
    crashes on Android 14 | renders off-screen on small phones | ignores the locale setting
    returns a 500 error intermittently | takes over ten seconds to load
    fails silently without an error message | creates duplicate entries
    ignores role permissions | logs users out unexpectedly | sends duplicate emails
    breaks with emoji in names | sorts results in the wrong order | does not work in Safari
    double-submits on slow networks | shows stale data after an update
    miscalculates totals with discounts | is unreadable in dark mode
    is not usable with a screen reader | drops the last character on paste""")

REQUESTS = word_list("""add keyboard shortcuts to | add dark mode support to | localise | redesign
    add an audit trail to | add usage analytics to | improve screen reader support in
    speed up | simplify | add bulk actions to | let admins customise | add CSV export to
    enforce SSO in | add a helpful empty state to | add undo to | add inline help to
    support multiple currencies in | add experiment hooks to | allow scheduling in
    add Slack notifications for""")

BUG_SUFFIXES = word_list("""on iOS | for EU customers | since the 4.2 release | in Firefox
    for enterprise workspaces | on slow connections""")
STORY_SUFFIXES = word_list("""for enterprise admins | on mobile web | for EU customers
    in the admin console | for new teams | (customer request)""")

LABELS = word_list("""customer-request | tech-debt | regression | accessibility | ux | performance
    security | q3-okr | quick-win | needs-design | compliance | growth""")

TEAM = word_list("""
    Priya Raman | Jonas Becker | Amara Okafor | Lucas Moreau | Mei Lin | Diego Alvarez
    Sofia Rossi | Noah Fischer | Hana Sato | Oliver Grant | Fatima Haddad | Ethan Brooks
    Zoe Papadopoulos | Mateo Silva | Ingrid Larsen | Arjun Mehta""")
PMS = word_list("""
    Claire Dubois | Marcus Chen | Leila Nasser | Tom Hughes | Anika Patel | Erik Nilsson
    Grace Kim | Samuel Adeyemi""")

PERSONAS = word_list("""store admin | finance manager | new customer | support agent | developer
    team owner | marketing lead | warehouse manager""")
BENEFITS = word_list("""I can finish my work faster | fewer customers need to contact support
    our team trusts the numbers | I can onboard colleagues without help
    we stay compliant with our auditors | I do not have to export data by hand""")
STEPS = word_list("""Log in as an admin of a large workspace | Open the {obj}
    Switch the browser language to German | Repeat the action twice in quick succession
    Refresh the page | Throttle the network to Slow 3G | Add an item with a long name
    Sign out and sign back in""")
CRITERIA = word_list("""Works for workspaces with more than 10,000 records
    Keyboard and screen reader accessible | Covered by an analytics event
    Behind a feature flag for a staged rollout | Copy reviewed by the content team
    Works on the latest two versions of each major browser""")
ERRORS = word_list("""TimeoutError: upstream did not answer within 30s
    TypeError: Cannot read properties of undefined (reading 'total')
    IntegrityError: duplicate key value violates unique constraint
    HTTP 500 Internal Server Error (request_id=req_8f3a21)""")
LINKS = word_list("""https://grafana.acme.example/d/errors | https://www.figma.com/file/acme-design
    https://acme.atlassian.net/wiki/spaces/PROD | https://sentry.acme.example/issues""")

BUG_LINES = word_list("""It looks like {p}. | Since this morning {p} for our whole team.
    We keep running into this: {p}. | Several of our users report that {p}.
    Can you check why {p}? It is blocking us. | For the third time this week {p}.""")
ASK_LINES = word_list("""Could you {p}? | We would love it if you could {p}.
    Is there a plan to {p}? Our team asks every week. | Please {p}, it would save us hours.
    Our admins asked whether you will {p} soon. | Any chance you could {p} this quarter?""")
BUG_SUBJECTS = word_list("{P} | Problem: {p} | Urgent: {p} | Bug report: {p}")
ASK_SUBJECTS = word_list("Feature request: {p} | Can you {p}? | Request: {p} | Idea: {p}")

GENERIC_SUBJECTS = word_list("""Question about my invoice | How do I add a teammate?
    Cannot find the export button | Password reset email not arriving
    Change of billing contact | Need help with the API | Discount for nonprofits?
    Account locked after too many attempts | Where can I see my usage?
    Data deletion request | Upgrade options for our team | Integration with Salesforce
    Two-factor authentication help | Our trial is ending soon | Wrong company name on receipt
    Moving to annual billing""")
GENERIC_OPENERS = word_list("""I have a question about the latest invoice we received.
    How can I invite a new colleague to our workspace? | I cannot find where to export our data.
    The password reset email never arrives in my inbox. | Please change our billing contact.
    We are stuck integrating with your API. | Do you offer a discount for nonprofits?
    My account got locked after a few failed logins. | Where can I see how much we use?
    Please delete all data of a former employee. | We want to upgrade our plan for more seats.
    Is there an integration with Salesforce? | I lost my phone and cannot pass two-factor login.
    Our trial ends next week and we need more time. | The receipt shows our old company name.
    We would like to switch to annual billing.""")
"""One opening sentence per entry of GENERIC_SUBJECTS, in the same order."""
GENERIC_LINES = word_list("""I could not find this in the help centre.
    Our finance team needs this sorted before month end.
    I attached a screenshot to show what I mean. | Happy to jump on a call if that helps.
    We tried clearing the cache and it did not help. | It happens on both Chrome and Firefox.
    This is affecting our customers directly. | Let me know if you need any more details.
    Our account manager said you could help with this. | We are evaluating the enterprise plan.
    This started after the last update. | A colleague of mine sees the same thing.
    We rely on this every day. | The documentation seems out of date here.""")
GREETINGS = word_list("Hi team, | Hello, | Hi there, | Good morning, | Hey support,")
SIGNOFFS = word_list("Thanks, | Best regards, | Cheers, | Many thanks, | Kind regards,")

CSAT_GOOD = word_list("""Quick and friendly answer, thanks! | Solved on the first reply.
    Great support, very patient. | The agent knew exactly what to do.
    Fast fix, much appreciated.""")
CSAT_BAD = word_list("""Took three days to get a reply. | The answer did not solve my problem.
    I had to explain the issue twice. | Closed without a fix.
    Felt like a canned response.""")
NPS_PROMOTER = word_list("""The product saves our team hours every week.
    Search and checkout just work, love it. | Best tool we adopted this year.
    Support is excellent and the app is fast.""")
NPS_PASSIVE = word_list("""
    Good product but the mobile app needs work. | Does the job, pricing is steep.
    Fine overall, reporting could be better. | Solid, but onboarding new staff is slow.""")
NPS_DETRACTOR = word_list("""
    Too many bugs since the last release. | Billing is confusing and expensive.
    The API is unreliable for us. | We are considering switching to a competitor.""")
IMPORT_LINES = word_list("""Interview note: wants faster exports for month-end reporting.
    Sales call: prospect asked about SSO and audit logs.
    G2 review: easy to start, hard to customise.
    Survey answer: the dashboard is the first thing I open every day.
    Churn interview: the price went up but the value did not.""")
TICKET_TAGS = word_list("bug | question | billing | how-to | feature-request | vip | escalated")

FIRST_NAMES = word_list("""
    Alice | Ben | Carla | Dmitri | Elena | Farid | Greta | Hugo | Ines | Jamal
    Kira | Liam | Maya | Nils | Olga | Pablo | Quinn | Rosa | Sven | Tara | Umar | Vera | Will
    Xenia | Yusuf | Zara | Anna | Bruno | Chloe | David | Emma | Felix | Gita | Hiro | Isla
    Jon | Kofi | Lena | Marco | Nora""")
LAST_NAMES = word_list("""Smith | Müller | Garcia | Kowalski | Nguyen | Johansson | Rossi | Dubois
    Tanaka | Okoye | Silva | Novak | Horvat | Jensen | Murphy | Costa | Weber | Kumar | Cohen
    Lindqvist | Moreno | Schulz | Ivanova | Petrov | Fischer | Wright | Hall | Young | Baker
    Nakamura | Santos | Ferreira | Meyer | Brown | Clarke | Evans | Hughes | Walsh""")
MAIL_DOMAINS = word_list("gmail.com | outlook.com | proton.me | yahoo.com | icloud.com")

ORG_WORDS = word_list("""Northwind | Bluefin | Redwood | Summit | Harbor | Copper | Granite | Aurora
    Beacon | Cedar | Falcon | Juniper | Lumen | Meridian | Nimbus | Orchid | Pioneer | Quartz
    Riverbend | Sterling | Tidal | Vertex | Willow | Zenith | Atlas | Brightline | Cobalt
    Driftwood | Evergreen | Foxglove | Helix | Ironwood | Keystone | Lakeside | Maple | Northstar
    Oakridge | Pinnacle | Sapphire | Silverleaf | Trident | Upland | Vanguard | Westbrook""")
ORG_TRADES = word_list("""
    Logistics | Analytics | Health | Retail | Foods | Energy | Robotics | Media
    Finance | Apparel | Travel | Software | Pharma | Outdoors | Learning | Motors | Studios
    Security | Biotech | Interiors | Telecom | Insurance | Farms | Marine""")
ORG_SUFFIXES = ("", " Inc.", " Group", " Labs", " GmbH")
