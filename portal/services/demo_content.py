"""Demo content written by the portal team: terms versions and crime prevention tips.

``{department}``, ``{non_emergency_phone}`` and ``{website_url}`` are filled in from the
department profile when the content is seeded, so another department gets its own name.
"""

TERMS_VERSIONS = [
    {
        "version": "1.0",
        "effective_on": "2025-01-01",
        "summary": "First published version of the terms of service and takedown policy.",
        "body_html": """
<h2>Purpose and scope</h2>
<p>The {department} uses this website and its official social media accounts to share public safety
information, crime prevention advice and time-sensitive notices, and to let residents send tips and
file some reports online. It is not an emergency service: in an emergency call 911.</p>
<h2>Your comments are not our views</h2>
<p>Comments, messages and other content posted by visitors are the opinions of their authors and do not
reflect the views of the {department}.</p>
<h2>Monitoring and removal</h2>
<p>These pages are monitored. The department may remove, without notice, content that contains obscenities,
is off-topic, or makes personal attacks.</p>
<h2>Public records</h2>
<p>Anything posted or submitted may be disclosed under public records laws and is kept according to records
retention schedules.</p>
""",
    },
    {
        "version": "1.1",
        "effective_on": "2026-06-01",
        "summary": (
            "Clarifies what the department removes, how to ask for a review of a removal, "
            "and how submissions are kept and disclosed."
        ),
        "body_html": """
<h2>Purpose and scope</h2>
<p>This website and the department's official social media accounts are maintained by the {department} to
share public safety information, crime prevention tips, crime maps and data, and time-sensitive notices such
as road closures, special events, weather emergencies, missing or endangered persons and job openings; and to
let residents send tips about unsolved crimes and file some non-emergency reports online. The official website
of the department is <a href="{website_url}">{website_url}</a>.</p>
<p><strong>This site is not monitored around the clock and is not for emergencies. In an emergency call 911.</strong>
For anything else that needs an officer, call the non-emergency line, {non_emergency_phone}.</p>
<h2>Visitors' opinions are not the department's</h2>
<p>Comments, replies, messages and other content posted by visitors on the department's pages are the opinions
of the people who wrote them. They are not the opinions of the {department} or of the Village, and the
department does not endorse them. Links shared by visitors are not endorsements either.</p>
<h2>Monitoring and takedown policy</h2>
<p>Department staff monitor the content posted on these pages. The department removes, without notice, content
that:</p>
<ul>
<li>contains obscenities, profanity or sexual content;</li>
<li>is off-topic, spam, or advertises products, services or political campaigns;</li>
<li>makes personal attacks, threats or harassment against any person or group;</li>
<li>reveals personal or confidential information, such as a person's address, phone number or the details of
an ongoing investigation;</li>
<li>encourages illegal activity or infringes someone else's rights.</li>
</ul>
<p>Removed content is kept as a record as the law requires. If you believe something of yours was removed in
error, write to the department at the address shown on every page and ask for a review; a supervisor answers.
The department may block accounts that repeatedly break these terms.</p>
<h2>Public records and retention</h2>
<p>Everything posted on the department's pages or submitted through this website, including comments, messages,
tips and reports, may be a public record. It may be disclosed in response to a request under public records
laws, with exemptions applied as the law allows (for example, the identity of a person who gave information
confidentially), and it is kept for as long as records retention schedules require.</p>
<h2>Anonymous tips</h2>
<p>When you send a tip without contact details, the portal does not record your IP address or device details.
Do not include your own name or other details that identify you in the text if you want to stay anonymous.</p>
<h2>Changes to these terms</h2>
<p>When these terms change, the new version is published here with the date it takes effect, and earlier
versions stay listed. A tip or report records the version that was in effect when it was sent.</p>
""",
    },
]

PREVENTION_CATEGORIES = [
    {
        "slug": "home",
        "name": "Home security",
        "description": "Keep burglars out and make your home a harder target, whether you are in or away.",
        "tips": [
            {
                "slug": "lock-up-and-light-up",
                "title": "Lock up and light up",
                "summary": "Most residential burglaries in quiet suburbs start at an unlocked door or an open garage.",
                "body_html": """
<p>Many burglaries need no force at all. A few habits take away the easiest chances:</p>
<ul>
<li>Lock every door, including the door between an attached garage and the house, even when you are home.</li>
<li>Close the garage door at night and whenever nobody is in the garage. Do not leave the opener in a car parked
outside.</li>
<li>Light entrances and the sides of the house; motion-activated lights are cheap and effective.</li>
<li>Trim shrubs near windows and doors so nobody can work there unseen.</li>
</ul>
<p>If you see someone trying door handles or looking into garages, call 911 while it is happening.</p>
""",
            },
            {
                "slug": "going-away",
                "title": "Before you go away",
                "summary": "A house that looks lived in is far less attractive to burglars.",
                "body_html": """
<ul>
<li>Stop mail and deliveries, or ask a neighbour to collect them.</li>
<li>Use timers on lights and a radio in different rooms.</li>
<li>Do not post travel plans or holiday photos publicly until you are home.</li>
<li>Arrange for snow to be cleared or the lawn to be mowed.</li>
<li>Ask the department about a vacation house watch by calling the non-emergency line, {non_emergency_phone}.</li>
</ul>
""",
            },
        ],
    },
    {
        "slug": "vehicle",
        "name": "Vehicle safety",
        "description": "Prevent car thefts and thefts from cars, most of which happen to unlocked vehicles.",
        "tips": [
            {
                "slug": "lock-take-hide",
                "title": "Lock, take, hide",
                "summary": "Lock your car, take your keys and key fob, and hide or remove valuables.",
                "body_html": """
<p>Most vehicles stolen or entered overnight were left unlocked, often with a key fob inside.</p>
<ul>
<li><strong>Lock</strong> the car every time, even in your own driveway or garage.</li>
<li><strong>Take</strong> keys and fobs inside with you; never leave a spare in the car.</li>
<li><strong>Hide</strong> bags, electronics and chargers, or take them with you. Put things in the trunk
before you arrive, not after you park.</li>
</ul>
<p>Never leave a car running unattended, even for a minute on a cold morning.</p>
""",
            },
            {
                "slug": "catalytic-converters-and-plates",
                "title": "Catalytic converters and licence plates",
                "summary": "Parts and plates are stolen too; a few steps make them less attractive.",
                "body_html": """
<ul>
<li>Park in a garage or a well-lit area where possible.</li>
<li>Ask a mechanic about engraving your vehicle identification number on the catalytic converter.</li>
<li>Use tamper-resistant screws on licence plates, and report a missing plate at once: it may be used on
another vehicle.</li>
</ul>
""",
            },
        ],
    },
    {
        "slug": "fraud",
        "name": "Fraud and scams",
        "description": "Recognise the phone, e-mail and door-to-door scams that target residents.",
        "tips": [
            {
                "slug": "government-impostor-calls",
                "title": "Government and police impostor calls",
                "summary": "The police will never ask you to pay a fine or bail with gift cards, cryptocurrency or a wire.",
                "body_html": """
<p>Scammers pretend to be police officers, court staff, the IRS or a utility, and say you must pay at once to
avoid arrest or a shut-off. Caller ID can be faked to show a real department's number.</p>
<ul>
<li>Hang up and call the department back on the number on its official website.</li>
<li>Never pay with gift cards, cryptocurrency, a bitcoin ATM or a wire transfer to settle a "fine".</li>
<li>Talk to a family member or friend before sending money to anyone under pressure.</li>
</ul>
""",
            },
            {
                "slug": "grandparent-scam",
                "title": "The grandparent scam",
                "summary": "A caller says a grandchild is in jail or hurt and needs money now, and asks you to keep it secret.",
                "body_html": """
<p>The caller may sound like a grandchild, or pass the phone to a fake lawyer or officer. A courier may even come
to collect cash.</p>
<ul>
<li>Hang up and call the grandchild or their parents on a number you already know.</li>
<li>Agree on a family code word for real emergencies.</li>
<li>Never hand cash to a courier who comes to your door. Call the non-emergency line if it happens.</li>
</ul>
""",
            },
        ],
    },
    {
        "slug": "online",
        "name": "Online safety",
        "description": "Protect your accounts, your children and your privacy online.",
        "tips": [
            {
                "slug": "protect-your-accounts",
                "title": "Protect your accounts",
                "summary": "Long unique passwords and two-step sign-in stop most account takeovers.",
                "body_html": """
<ul>
<li>Use a different long password for every account; a password manager makes it easy.</li>
<li>Turn on two-step verification for e-mail, banking and social media.</li>
<li>Be wary of links in texts and e-mails that ask you to sign in; go to the site yourself instead.</li>
<li>Keep phones and computers updated.</li>
</ul>
""",
            },
            {
                "slug": "cyberbullying-and-sextortion",
                "title": "Cyberbullying and sextortion",
                "summary": "Children and teens are targeted online; talk with them before something happens.",
                "body_html": """
<p>Tell young people that they can come to you without being punished if someone threatens them online or
asks for pictures. If it happens:</p>
<ul>
<li>Do not pay and do not send anything more.</li>
<li>Keep the messages and the account names: take screenshots.</li>
<li>Block the account after saving the evidence, and report it to the platform and to the department.</li>
</ul>
""",
            },
        ],
    },
    {
        "slug": "personal",
        "name": "Personal safety",
        "description": "Stay safe on the street, on transit and when meeting strangers from online marketplaces.",
        "tips": [
            {
                "slug": "online-marketplace-meetups",
                "title": "Buying and selling online",
                "summary": "Meet buyers and sellers in a public, well-lit place, never at home.",
                "body_html": """
<ul>
<li>Meet in daylight in a busy public place; the police department lobby is a safe exchange zone.</li>
<li>Bring someone with you and tell others where you are going.</li>
<li>Do not accept overpayments or cheques, and do not share verification codes sent to your phone.</li>
</ul>
""",
            },
            {
                "slug": "trust-your-instincts",
                "title": "Trust your instincts",
                "summary": "If a person or place makes you uneasy, leave and call for help.",
                "body_html": """
<ul>
<li>Stay aware of your surroundings; keep headphones low and your phone away when walking at night.</li>
<li>Walk with purpose on lit routes, and have your keys ready before you reach your door or car.</li>
<li>If you feel threatened, go to a place with people and call 911.</li>
</ul>
""",
            },
        ],
    },
]
