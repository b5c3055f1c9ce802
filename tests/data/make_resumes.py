"""Generate the test resumes in tests/data/resumes/ and their expected fields.

    .venv/bin/python tests/data/make_resumes.py

Every person is invented here (seeded, so the output is stable), rendered in one or two
formats and layouts (one/two columns, tables, headers/footers, DOCX+PDF pairs, RTF, ODT,
TXT), plus a scanned (image-only) PDF and an encrypted PDF. Each file gets a
``<file>.expected.json`` with the ground truth the generator put in: the skills it wrote
(canonical names), the roles' true dates and the months they cover (union of calendar
months, inclusive, year-only starts in January and ends in December, "Present" = AS_OF).
"""

from __future__ import annotations

import io
import json
import random
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import docx
import phonenumbers
from docx.shared import Pt
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from odf.opendocument import OpenDocumentText
from odf.text import H, P
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jobs.skills import find_skills, vocabulary  # noqa: E402

OUT = Path(__file__).resolve().parent / "resumes"
AS_OF = date(2026, 11, 1)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]  # fmt: skip

PEOPLE = [
    ("José Álvarez Romero", "ES", "+34 612 345 678", "Seville, Spain"),
    ("Zoë Whitfield", "GB", "+44 20 7946 0958", "Leeds, United Kingdom"),
    ("Łukasz Wiśniewski", "PL", "+48 512 345 678", "Kraków, Poland"),
    ("Chloé Dubois", "FR", "+33 6 12 34 56 78", "Lyon, France"),
    ("Björn Andersson", "SE", "+46 70 123 45 67", "Gothenburg, Sweden"),
    ("Siobhán O'Connor", "IE", "+353 87 123 4567", "Cork, Ireland"),
    ("François-Xavier Lefèvre", "FR", "+33 7 81 22 45 90", "Nantes, France"),
    ("Ngozi Okonkwo", "NG", "+234 803 123 4567", "Lagos, Nigeria"),
    ("Priya Raghunathan", "IN", "+91 98765 43210", "Chennai, India"),
    ("Mehmet Yılmaz", "TR", "+90 532 123 45 67", "Izmir, Turkey"),
    ("Nguyễn Thị Lan", "VN", "+84 912 345 678", "Hanoi, Vietnam"),
    ("Søren Mikkelsen", "DK", "+45 20 12 34 56", "Aarhus, Denmark"),
    ("Ana Lucía Ferreira", "PT", "+351 912 345 678", "Porto, Portugal"),
    ("Emily Carter", "US", "(312) 428-6650", "Chicago, IL"),
    ("Marcus Johnson", "US", "512.867.2231", "Austin, TX"),
    ("Hannah Schmidt", "DE", "+49 151 23456789", "Munich, Germany"),
    ("Dmitri Volkov", "NL", "+31 6 12345678", "Utrecht, Netherlands"),
    ("Aisha Rahman", "GB", "+44 7700 900123", "Manchester, United Kingdom"),
    ("Liam O'Brien", "AU", "+61 412 345 678", "Brisbane, Australia"),
    ("Grace Kim", "US", "+1 206-384-7712", "Seattle, WA"),
    ("Mateo Rossi", "IT", "+39 312 345 6789", "Turin, Italy"),
    ("Fatima Zahra El Idrissi", "FR", "+33 6 45 78 12 09", "Marseille, France"),
    ("Jean-Luc Martin", "CA", "(416) 363-8842", "Toronto, ON"),
    ("Olivia Bennett", "US", "(617) 492-3308", "Boston, MA"),
    ("Kenji Watanabe", "JP", "+81 90-1234-5678", "Osaka, Japan"),
    ("Maria van der Berg", "NL", "+31 6 87654321", "Rotterdam, Netherlands"),
    ("Renée DeSouza", "US", "(303) 555-2187", "Denver, CO"),
    ("Carlos de la Cruz", "MX", "+52 55 1234 5678", "Mexico City, Mexico"),
]

DOMAINS = {
    "software": {
        "skills": ["Python", "Django", "JavaScript", "TypeScript", "React", "Node.js", "PostgreSQL", "Redis", "Docker", "Git", "GraphQL", "Java", "Go", "AWS", "Celery", "FastAPI", "Vue.js", "HTML", "CSS", "pytest", "Kubernetes", "MongoDB", "C#", ".NET", "SQL", "Microservices"]
        + ["REST APIs"],
        "titles": ["Software Engineer", "Senior Software Engineer", "Backend Developer", "Full Stack Developer", "Junior Developer"],
        "field": "Computer Science",
        "phrase": "building web products",
        "projects": [("Tidepool", "an open-source tide forecast site"), ("Ledgerly", "a household spending tracker"), ("Bikeshed", "a voting app for team naming debates")],
        "certs": [("AWS Certified Developer – Associate", ["AWS"]), ("Oracle Certified Professional, Java SE 17 Developer", ["Java"]), ("Certified Kubernetes Application Developer", ["Kubernetes"])],
    },
    "devops": {
        "skills": ["Kubernetes", "Docker", "Terraform", "Ansible", "AWS", "Jenkins", "Prometheus", "Grafana", "Linux", "Bash", "Python", "Helm", "Nginx", "Go"]
        + ["Microsoft Azure", "Google Cloud Platform", "GitHub Actions", "CI/CD", "ELK Stack", "Argo CD"],
        "titles": ["DevOps Engineer", "Platform Engineer", "Cloud Engineer", "Systems Administrator", "Infrastructure Engineer"],
        "field": "Information Technology",
        "phrase": "running cloud platforms",
        "projects": [("Homelab", "a three-node cluster at home"), ("Runbook Bot", "a chat bot that links alerts to runbooks")],
        "certs": [("Certified Kubernetes Administrator", ["Kubernetes"]), ("HashiCorp Certified: Terraform Associate", ["Terraform"]), ("AWS Certified SysOps Administrator", ["AWS"])],
    },
    "accounting": {
        "skills": ["Microsoft Excel", "QuickBooks", "Xero", "SAP", "Accounts Payable", "Accounts Receivable", "General Ledger", "Bank Reconciliation", "Payroll", "GAAP", "IFRS", "Financial Reporting", "Month-End Close", "Tax Preparation", "VLOOKUP", "Pivot Tables", "Sage", "Oracle NetSuite"],
        "titles": ["Staff Accountant", "Senior Accountant", "Accounts Assistant", "Bookkeeper", "Finance Officer"],
        "field": "Accounting and Finance",
        "phrase": "keeping the books of growing firms",
        "projects": [],
        "certs": [("ACCA Qualified", ["Chartered Accountant"]), ("Certified Management Accountant (CMA)", []), ("Xero Advisor Certification", ["Xero"])],
    },
    "office": {
        "skills": ["Microsoft Office", "Microsoft Excel", "Microsoft Word", "Microsoft PowerPoint", "Microsoft Outlook", "Calendar Management", "Data Entry", "Travel Coordination", "Records Management", "Event Planning", "Minute Taking", "SharePoint", "Google Workspace", "Procurement", "Inventory Management"],
        "titles": ["Office Manager", "Administrative Assistant", "Office Coordinator", "Executive Assistant", "Front Office Coordinator"],
        "field": "Business Administration",
        "phrase": "running busy offices",
        "projects": [],
        "certs": [("Microsoft Office Specialist: Excel Expert", ["Microsoft Office", "Microsoft Excel"]), ("Certified Administrative Professional (CAP)", [])],
    },
    "it": {
        "skills": ["Active Directory", "Windows 10", "Windows Server", "Help Desk", "ServiceNow", "Microsoft Exchange", "ITIL", "Networking", "TCP/IP", "DNS", "DHCP", "VPN", "Remote Desktop", "Hardware Repair", "Endpoint Management", "PowerShell", "macOS", "Jira"],
        "titles": ["IT Technician", "Desktop Engineer", "End User Computing Specialist", "Systems Technician", "Field Technician"],
        "field": "Information Systems",
        "phrase": "keeping offices and their people online",
        "projects": [("Laptop refresh", "replaced 400 laptops across five sites in six weeks")],
        "certs": [("CompTIA A+", []), ("CompTIA Network+", []), ("Microsoft 365 Certified: Modern Desktop Administrator Associate", ["Microsoft Office"])],
    },
    "data": {
        "skills": ["Python", "SQL", "Pandas", "NumPy", "scikit-learn", "Tableau", "Power BI", "Machine Learning", "Statistics", "R", "Jupyter", "Spark", "Airflow", "Snowflake", "dbt", "Data Visualization", "BigQuery"],
        "titles": ["Data Scientist", "Business Intelligence Analyst", "Analytics Engineer", "Reporting Analyst", "Insights Analyst"],
        "field": "Statistics",
        "field_is_skill": True,
        "phrase": "turning numbers into decisions",
        "projects": [("Rent map", "a public map of rents by neighbourhood"), ("Churn model", "predicts which members will leave next quarter"), ("Bus bunching", "an analysis of late buses")],
        "certs": [("Google Professional Data Engineer", []), ("Tableau Desktop Specialist", ["Tableau"])],
    },
}  # fmt: skip

COMPANIES = [
    "Northwind Traders", "Bluefin Logistics", "Harbor & Finch LLP", "Lumen Analytics", "Quarry Labs",
    "Maple Street Dental", "Orbital Freight", "Kestrel Health", "Brightwater Insurance", "Tannery Row Studios",
    "Helix Biotech", "Cobalt Ridge Bank", "Sunfield Foods", "Pinecrest Council", "Arctura Energy",
    "Vireo Software", "Granite Peak Legal", "Saffron Hotels", "Meridian Retail", "Foxglove Media",
]  # fmt: skip
INSTITUTIONS = [
    "Universidad de Sevilla", "University of Leeds", "Jagiellonian University", "Université Lumière Lyon 2",
    "Chalmers University of Technology", "University College Cork", "University of Lagos", "Anna University",
    "Ege University", "Hanoi University of Science", "Aarhus University", "Universidade do Porto",
    "DePaul University", "Austin Community College", "Technical University of Munich", "Utrecht University",
]  # fmt: skip
BULLETS = [
    "Delivered {s} improvements that cut turnaround time by {n}%",
    "Owned the {s} workstream for a group of {k} people",
    "Introduced {s} practices adopted across {k} departments",
    "Kept {s} work on schedule with {n}% fewer errors",
    "Rolled out {s} to {k} regional offices",
    "Used {s} every day to keep figures accurate",
]
HEADINGS = {
    "experience": ["EXPERIENCE", "Work Experience", "Employment History", "Professional Experience"],
    "skills": ["SKILLS", "Technical Skills", "Core Competencies", "Key Skills"],
    "education": ["EDUCATION", "Education"],
    "certifications": ["CERTIFICATIONS", "Licenses & Certifications", "Certifications"],
    "projects": ["PROJECTS", "Selected Projects", "Projects"],
    "summary": ["SUMMARY", "Profile", "Professional Summary"],
}
DEGREES = [("Bachelor of Science in {f}", "bachelor"), ("BSc {f}", "bachelor"), ("Master of Science in {f}", "master"), ("MBA", "master"), ("Associate Degree in {f}", "associate")]  # fmt: skip


@dataclass
class Role:
    title: str
    company: str
    city: str
    start: tuple[int, int]
    end: tuple[int, int] | None
    year_only: bool
    bullets: list[str]


@dataclass
class Person:
    slug: str
    name: str
    email: str
    phone: str
    phone_e164: str
    location: str
    domain: str
    title: str
    links: dict
    summary: str
    skill_lines: list[str]
    roles: list[Role]
    education: list[dict]
    certifications: list[str]
    projects: list[tuple[str, str]]
    skills: set[str] = field(default_factory=set)


def alias_for(rng: random.Random, canonical: str) -> str:
    skill = vocabulary().skills[canonical]
    # Display forms a person would write; keep the canonical name most of the time.
    options = [a.lstrip("=") for a in skill.aliases if len(a.lstrip("=")) > 1 and " " not in a.lstrip("=")[1:3]]
    if options and rng.random() < 0.35:
        return rng.choice(options)
    return canonical


def ascii_slug(name: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in plain).split())


def months_covered(roles: list[Role]) -> int:
    now = AS_OF.year * 12 + AS_OF.month - 1
    covered = set()
    for role in roles:
        first = role.start[0] * 12 + role.start[1] - 1
        last = now if role.end is None else min(now, role.end[0] * 12 + role.end[1] - 1)
        covered.update(range(first, last + 1))
    return len(covered)


def check_clean(text: str) -> None:
    """Filler text must not mention skills the ground truth does not list."""
    found = find_skills(text)
    if found:
        raise SystemExit(f"generator filler {text!r} mentions skills {found}; reword it")


def make_person(index: int, rng: random.Random) -> Person:
    name, region, phone, location = PEOPLE[index]
    domain = list(DOMAINS)[index % len(DOMAINS)]
    spec = DOMAINS[domain]
    slug = ascii_slug(name)
    first = slug.split("-")[0]
    email = rng.choice(
        [
            f"{slug.replace('-', '.')}@example.com",
            f"{first}{rng.randint(10, 99)}@mail.example.org",
            f"{slug.split('-')[-1]}.{first[0]}@inbox.example.net",
        ]
    )
    e164 = phonenumbers.format_number(phonenumbers.parse(phone, region), phonenumbers.PhoneNumberFormat.E164)
    skills_pool = spec["skills"][:]
    rng.shuffle(skills_pool)
    listed = skills_pool[: rng.randint(6, 10)]
    extra = [s for s in skills_pool if s not in listed]
    roles = []
    year, month = AS_OF.year, AS_OF.month
    companies = rng.sample(COMPANIES, 4)
    used_skills = set(listed)
    year_only = index % 9 == 4
    for role_index in range(rng.randint(2, 4)):
        length = rng.randint(8, 40)
        if role_index == 0 and rng.random() < 0.6:
            end = None
        else:
            gap = rng.choice([0, 0, 1, 3, -4])  # a negative gap overlaps the previous role
            end_index = min(year * 12 + month - 1 - gap, AS_OF.year * 12 + AS_OF.month - 2)
            end = (end_index // 12, end_index % 12 + 1)
        end_index = (year * 12 + month - 1) if end is None else end[0] * 12 + end[1] - 1
        start_index = end_index - length
        start = (start_index // 12, start_index % 12 + 1)
        if year_only:
            start = (start[0], 1)
            end = None if end is None else (end[0], 12)
        bullets = []
        for _ in range(rng.randint(2, 3)):
            skill = rng.choice(extra) if extra and rng.random() < 0.3 else rng.choice(listed)
            used_skills.add(skill)
            template = rng.choice(BULLETS)
            check_clean(template.format(s="", n=1, k=1))
            bullets.append(template.format(s=alias_for(rng, skill), n=rng.randint(10, 60), k=rng.randint(3, 30)))
        title = rng.choice(spec["titles"])
        city = rng.choice([location, "Remote", location.split(",")[0] + ", " + location.split(",")[1].strip()])
        roles.append(Role(title, companies[role_index], city, start, end, year_only, bullets))
        year, month = start
    degree_text, level = rng.choice(DEGREES)
    end_year = roles[-1].start[0] - rng.randint(0, 2)
    education = [
        {
            "degree": degree_text.format(f=spec["field"]),
            "level": level,
            "field": spec["field"] if "{f}" in degree_text else "",
            "institution": rng.choice(INSTITUTIONS),
            "start_year": end_year - rng.choice([2, 3, 4]),
            "end_year": end_year,
        }
    ]
    chosen_certs = rng.sample(spec["certs"], rng.randint(0, min(2, len(spec["certs"]))))
    certifications = [name for name, _ in chosen_certs]
    if spec.get("field_is_skill") and spec["field"] in education[0]["degree"]:
        used_skills.add(spec["field"])
    used_skills.update(skill for _, skills in chosen_certs for skill in skills)
    projects = rng.sample(spec["projects"], rng.randint(0, len(spec["projects"]))) if spec["projects"] else []
    links = {"linkedin": f"https://www.linkedin.com/in/{slug}", "github": None, "portfolio": None}
    if domain in ("software", "devops", "data"):
        links["github"] = f"https://github.com/{first}{index}"
    if index % 4 == 0:
        links["portfolio"] = f"https://{slug}.example.dev"
    title = roles[0].title
    summary = f"{title} with {max(1, months_covered(roles) // 12)} years of experience {spec['phrase']}."
    for text in (summary, title, *[p[0] + " " + p[1] for p in projects], *COMPANIES, *INSTITUTIONS):
        check_clean(text)
    for role in roles:
        check_clean(role.title + " " + role.city)
    skill_lines = [alias_for(rng, s) for s in listed]
    return Person(
        slug=slug,
        name=name,
        email=email,
        phone=phone,
        phone_e164=e164,
        location=location,
        domain=domain,
        title=title,
        links=links,
        summary=summary,
        skill_lines=skill_lines,
        roles=roles,
        education=education,
        certifications=certifications,
        projects=projects,
        skills=used_skills,
    )


# --- text building blocks shared by every layout -------------------------------------


def fmt_date(ym: tuple[int, int] | None, style: int, year_only: bool) -> str:
    if ym is None:
        return ["Present", "Current", "Present", "now", "Present"][style % 5]
    year, month = ym
    if year_only:
        return str(year)
    return [
        f"{MONTHS[month - 1][:3]} {year}",
        f"{month:02d}/{year}",
        f"{MONTHS[month - 1]} {year}",
        f"{year}-{month:02d}",
        f"{MONTHS[month - 1][:3] if month != 9 else 'Sept'}. {year}",
    ][style % 5]


def date_range(role: Role, style: int) -> str:
    separator = [" – ", " - ", " to ", " – ", " — "][style % 5]
    return fmt_date(role.start, style, role.year_only) + separator + fmt_date(role.end, style, role.year_only)


def role_header_lines(role: Role, style: int) -> list[str]:
    dates = date_range(role, style)
    return [
        [f"{role.title} | {role.company} | {dates}"],
        [f"{role.company}, {role.city} — {role.title}", dates],
        [role.title, role.company, role.city, dates],
        [f"{role.title} at {role.company} ({dates})"],
        [f"{role.company}   {dates}", role.title],
    ][style % 5]


def contact_parts(person: Person) -> list[str]:
    parts = [person.email, person.phone, person.location]
    for key in ("linkedin", "github", "portfolio"):
        if person.links[key]:
            parts.append(person.links[key].replace("https://", "").replace("www.", ""))
    return parts


def education_lines(entry: dict, style: int) -> list[str]:
    years = f"{entry['start_year']} – {entry['end_year']}"
    return [
        [entry["degree"], f"{entry['institution']}, {years}"],
        [f"{entry['degree']} | {entry['institution']} | {entry['end_year']}"],
        [entry["institution"], entry["degree"], years],
    ][style % 3]


def skills_text_lines(person: Person, style: int) -> list[str]:
    if style % 3 == 0:
        return [", ".join(person.skill_lines)]
    if style % 3 == 1:
        return [f"• {s}" for s in person.skill_lines]
    half = len(person.skill_lines) // 2
    return ["Main: " + ", ".join(person.skill_lines[:half]), "Also: " + ", ".join(person.skill_lines[half:])]


def sections(person: Person, style: int) -> list[tuple[str, list[str]]]:
    """(heading, lines) in reading order; bullets start with '• '."""
    pick = lambda key: HEADINGS[key][style % len(HEADINGS[key])]  # noqa: E731
    result = [(pick("summary"), [person.summary]), (pick("skills"), skills_text_lines(person, style))]
    experience = []
    for role in person.roles:
        experience += role_header_lines(role, style)
        experience += [f"• {b}" for b in role.bullets]
    result.append((pick("experience"), experience))
    education = [line for entry in person.education for line in education_lines(entry, style)]
    result.append((pick("education"), education))
    if person.certifications:
        result.append((pick("certifications"), [f"• {c}" for c in person.certifications]))
    if person.projects:
        result.append((pick("projects"), [f"• {n}: {d}" for n, d in person.projects]))
    return result


def plain_text(person: Person, style: int) -> str:
    lines = [person.name, person.title, " | ".join(contact_parts(person)), ""]
    for heading, body in sections(person, style):
        lines += [heading, *body, ""]
    return "\n".join(lines)


# --- renderers ---------------------------------------------------------------------


class ResumePDF(FPDF):
    def __init__(self, header_text: str = "", footer_text: str = ""):
        super().__init__(format="A4")
        self.header_text = header_text
        self.footer_text = footer_text
        self.add_font("Sans", "", str(FONT))
        self.add_font("Sans", "B", str(FONT_BOLD))
        self.set_creation_date(__import__("datetime").datetime(2026, 1, 1, tzinfo=__import__("datetime").UTC))
        self.set_auto_page_break(True, margin=18)

    def header(self):
        if self.header_text:
            self.set_font("Sans", "B", 9)
            self.cell(0, 6, self.header_text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="R")

    def footer(self):
        if self.footer_text:
            self.set_y(-14)
            self.set_font("Sans", "", 8)
            self.cell(0, 6, self.footer_text, align="C")


def write_lines(pdf: FPDF, lines: list[str], width: float = 0, size: int = 10) -> None:
    for line in lines:
        pdf.set_font("Sans", "", size)
        x = pdf.get_x()
        pdf.multi_cell(width, 5, line, new_x=XPos.LEFT if width else XPos.LMARGIN, new_y=YPos.NEXT)
        if width:
            pdf.set_x(x)


def heading(pdf: FPDF, text: str, width: float = 0) -> None:
    pdf.ln(2)
    pdf.set_font("Sans", "B", 12)
    x = pdf.get_x()
    pdf.cell(width, 7, text, new_x=XPos.LEFT if width else XPos.LMARGIN, new_y=YPos.NEXT)
    if width:
        pdf.set_x(x)


def pdf_one_column(person: Person, style: int, *, header_footer: bool = False, upper_name: bool = False) -> bytes:
    pdf = ResumePDF(
        header_text=f"{person.name} — Resume" if header_footer else "",
        footer_text=" · ".join(contact_parts(person)[:2]) if header_footer else "",
    )
    pdf.add_page()
    pdf.set_font("Sans", "B", 18)
    pdf.cell(0, 10, person.name.upper() if upper_name else person.name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    write_lines(pdf, [person.title])
    if not header_footer:
        write_lines(pdf, [" | ".join(contact_parts(person))], size=9)
    else:
        write_lines(pdf, [" | ".join(contact_parts(person)[2:])], size=9)
    for title, body in sections(person, style):
        heading(pdf, title)
        write_lines(pdf, body)
    return bytes(pdf.output())


def pdf_two_columns(person: Person, style: int) -> bytes:
    pdf = ResumePDF()
    pdf.add_page()
    pdf.set_font("Sans", "B", 18)
    pdf.cell(0, 10, person.name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    write_lines(pdf, [person.title])
    top = pdf.get_y() + 2
    side_sections = {HEADINGS["skills"][style % 4], HEADINGS["education"][style % 2]}
    all_sections = sections(person, style)
    pdf.set_xy(10, top)
    heading(pdf, "Contact", 60)
    write_lines(pdf, contact_parts(person), 60, size=8)
    for title, body in all_sections:
        if title in side_sections:
            heading(pdf, title, 60)
            write_lines(pdf, body, 60, size=9)
    pdf.set_xy(75, top)
    for title, body in all_sections:
        if title not in side_sections:
            heading(pdf, title, 125)
            write_lines(pdf, body, 125)
    return bytes(pdf.output())


def pdf_table(person: Person, style: int) -> bytes:
    pdf = ResumePDF()
    pdf.add_page()
    pdf.set_font("Sans", "B", 18)
    pdf.cell(0, 10, person.name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    write_lines(pdf, [" | ".join(contact_parts(person))], size=9)
    for title, body in sections(person, style):
        heading(pdf, title)
        if title in HEADINGS["experience"]:
            pdf.set_font("Sans", "", 9)
            with pdf.table(col_widths=(40, 60, 90), text_align="LEFT") as table:
                for role in person.roles:
                    row = table.row()
                    row.cell(date_range(role, style))
                    row.cell(f"{role.title}\n{role.company}")
                    row.cell("\n".join(f"• {b}" for b in role.bullets))
        else:
            write_lines(pdf, body)
    return bytes(pdf.output())


def docx_document(person: Person, style: int, *, table_layout: bool = False, header: bool = False) -> bytes:
    document = docx.Document()
    document.styles["Normal"].font.size = Pt(10)
    contact = " | ".join(contact_parts(person))
    if header:
        section = document.sections[0]
        section.header.paragraphs[0].text = person.name
        section.header.add_paragraph(contact)
        section.footer.paragraphs[0].text = f"{person.name} · page 1"
    else:
        document.add_heading(person.name, level=0)
        document.add_paragraph(contact)
    document.add_paragraph(person.title)

    def add_body(container, lines: list[str]) -> None:
        for line in lines:
            if line.startswith("• "):
                container.add_paragraph(line[2:], style="List Bullet")
            else:
                container.add_paragraph(line)

    all_sections = sections(person, style)
    if table_layout:
        table = document.add_table(rows=1, cols=2)
        left, right = table.rows[0].cells
        left.paragraphs[0].text = "Details"
        side = {HEADINGS["skills"][style % 4], HEADINGS["education"][style % 2]}
        for title, body in all_sections:
            cell = left if title in side else right
            cell.add_paragraph(title, style="Heading 2")
            add_body(cell, body)
    else:
        for title, body in all_sections:
            document.add_heading(title, level=1)
            add_body(document, body)
    buffer = io.BytesIO()
    document.core_properties.author = "Hireboard test data"
    document.save(buffer)
    return buffer.getvalue()


def odt_document(person: Person, style: int) -> bytes:
    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text=person.name))
    document.text.addElement(P(text=" | ".join(contact_parts(person))))
    for title, body in sections(person, style):
        document.text.addElement(H(outlinelevel=2, text=title))
        for line in body:
            document.text.addElement(P(text=line))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def rtf_escape(text: str) -> str:
    out = []
    for char in text:
        if char in "\\{}":
            out.append("\\" + char)
        elif ord(char) > 127:
            out.append(f"\\u{ord(char) if ord(char) < 32768 else ord(char) - 65536}?")
        else:
            out.append(char)
    return "".join(out)


def rtf_document(person: Person, style: int) -> bytes:
    body = [r"{\rtf1\ansi\deff0{\fonttbl{\f0 Helvetica;}}\f0\fs20"]
    body.append(r"{\b\fs32 " + rtf_escape(person.name) + r"}\par")
    body.append(rtf_escape(" | ".join(contact_parts(person))) + r"\par")
    for title, lines in sections(person, style):
        body.append(r"\par{\b " + rtf_escape(title) + r"}\par")
        body.extend(rtf_escape(line) + r"\par" for line in lines)
    body.append("}")
    return "\n".join(body).encode("ascii")


def scanned_pdf(person: Person, style: int) -> bytes:
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 22)
    y = 60
    for line in plain_text(person, style).splitlines()[:55]:
        draw.text((80, y), line[:90], fill=0, font=font)
        y += 30
    pdf = ResumePDF()
    pdf.add_page()
    pdf.image(image, x=0, y=0, w=210)
    return bytes(pdf.output())


def encrypted_pdf(person: Person, style: int) -> bytes:
    pdf = ResumePDF()
    pdf.set_encryption(owner_password="owner-secret", user_password="candidate-secret")
    pdf.add_page()
    write_lines(pdf, plain_text(person, style).splitlines())
    return bytes(pdf.output())


LAYOUTS = [
    ("pdf-one-column", "pdf", lambda p, s: pdf_one_column(p, s)),
    ("docx-one-column", "docx", lambda p, s: docx_document(p, s)),
    ("pdf-two-columns", "pdf", pdf_two_columns),
    ("docx-table-columns", "docx", lambda p, s: docx_document(p, s, table_layout=True)),
    ("pdf-header-footer", "pdf", lambda p, s: pdf_one_column(p, s, header_footer=True)),
    ("docx-header", "docx", lambda p, s: docx_document(p, s, header=True)),
    ("pdf-table", "pdf", pdf_table),
    ("pdf-caps-name", "pdf", lambda p, s: pdf_one_column(p, s, upper_name=True)),
    ("odt", "odt", odt_document),
    ("rtf", "rtf", rtf_document),
    ("txt", "txt", lambda p, s: plain_text(p, s).encode("utf-8")),
]
# The same person as DOCX and PDF.
PAIRED = {0: "docx-one-column", 3: "docx-header", 6: "docx-table-columns", 9: "docx-one-column", 12: "docx-header", 15: "docx-one-column"}  # fmt: skip


def expected_for(person: Person, file_name: str, layout: str) -> dict:
    return {
        "file": file_name,
        "layout": layout,
        "as_of": AS_OF.isoformat(),
        "status": "ok",
        "name": person.name,
        "email": person.email,
        "phone": person.phone_e164,
        "location": person.location,
        "links": person.links,
        "skills": sorted(person.skills),
        "experience": [
            {
                "title": r.title,
                "company": r.company,
                "start": f"{r.start[0]:04d}-{r.start[1]:02d}",
                "end": None if r.end is None else f"{r.end[0]:04d}-{r.end[1]:02d}",
            }
            for r in person.roles
        ],
        "relevant_experience_in_months": months_covered(person.roles),
        "education": person.education,
        "certifications": person.certifications,
        "projects": [{"name": n, "description": d} for n, d in person.projects],
    }


def main() -> None:
    rng = random.Random(20261101)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    people = [make_person(i, rng) for i in range(len(PEOPLE))]
    outputs: list[tuple[str, bytes, dict]] = []
    for index, person in enumerate(people):
        style = index
        layouts = [LAYOUTS[index % len(LAYOUTS)]]
        if index in PAIRED:
            layouts.append(next(item for item in LAYOUTS if item[0] == PAIRED[index]))
            if layouts[0][1] == "docx":
                layouts[0] = LAYOUTS[0]
        for layout, extension, render in layouts:
            file_name = f"{index + 1:02d}-{person.slug}-{layout}.{extension}"
            outputs.append((file_name, render(person, style), expected_for(person, file_name, layout)))
    for special, render, status in (("scanned", scanned_pdf, "no_text"), ("encrypted", encrypted_pdf, "encrypted")):
        person = people[1 if special == "scanned" else 2]
        file_name = f"{special}.pdf"
        expected = {"file": file_name, "layout": special, "as_of": AS_OF.isoformat(), "status": status}
        outputs.append((file_name, render(person, 1), expected))
    for file_name, data, expected in outputs:
        (OUT / file_name).write_bytes(data)
        (OUT / f"{file_name}.expected.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {len(outputs)} resumes to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
