"""Field extraction from resume text: contact details, skills, work history, education.

Rule-based on purpose: deterministic, explainable, and fast enough to parse a hundred
resumes a second on one core. Accuracy is measured by tests/screening/test_accuracy.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import phonenumbers

from jobs.skills import canonical_skill, find_skills

from .dates import YEAR_RE, DateRange, find_date_ranges, total_experience_months

PARSED_KEYS = (
    "name",
    "email",
    "phone",
    "location",
    "links",
    "skills",
    "experience",
    "education",
    "certifications",
    "projects",
)

SECTION_HEADINGS = {
    "summary": (
        "summary", "professional summary", "profile", "professional profile", "objective",
        "career objective", "about me", "about", "personal statement", "executive summary",
        "career summary", "overview",
    ),
    "contact": ("contact", "contact information", "contact details", "personal details", "personal information", "contact info"),
    "experience": (
        "experience", "work experience", "professional experience", "employment history", "employment",
        "work history", "career history", "relevant experience", "professional background",
        "experience highlights", "career", "positions held", "work",
    ),
    "education": (
        "education", "academic background", "education and training", "academic qualifications",
        "qualifications", "education history", "academics", "training and education",
    ),
    "skills": (
        "skills", "key skills", "technical skills", "core competencies", "competencies", "areas of expertise",
        "expertise", "technologies", "tools", "skills and abilities", "core skills", "technical proficiencies",
        "skills and tools", "tech stack", "skill set", "skillset", "computer skills", "it skills",
        "software", "technical expertise", "additional skills", "relevant skills",
    ),
    "certifications": (
        "certifications", "certification", "certificates", "licenses", "licenses and certifications",
        "certifications and licenses", "professional certifications", "accreditations", "credentials",
        "licences", "licences and certifications",
    ),
    "projects": ("projects", "personal projects", "key projects", "selected projects", "side projects", "open source", "project experience", "academic projects"),
    "languages": ("languages", "language skills", "spoken languages"),
    "other": (
        "awards", "honors", "honours", "awards and honors", "interests", "hobbies", "references",
        "volunteer", "volunteering", "volunteer experience", "publications", "activities",
        "achievements", "additional information", "memberships", "affiliations",
    ),
}  # fmt: skip
_HEADING_LOOKUP = {variant: section for section, variants in SECTION_HEADINGS.items() for variant in variants}

TITLE_WORDS = frozenset(
    [
        "engineer",
        "developer",
        "manager",
        "accountant",
        "analyst",
        "assistant",
        "coordinator",
        "specialist",
        "technician",
        "administrator",
        "consultant",
        "intern",
        "director",
        "officer",
        "clerk",
        "bookkeeper",
        "designer",
        "architect",
        "support",
        "receptionist",
        "scientist",
        "executive",
        "representative",
        "associate",
        "auditor",
        "controller",
        "lead",
        "programmer",
        "devops",
        "sre",
        "secretary",
        "agent",
        "operator",
        "supervisor",
        "advisor",
        "adviser",
        "planner",
        "founder",
        "cfo",
        "cto",
        "ceo",
        "coo",
        "vp",
        "president",
        "teacher",
        "nurse",
        "tester",
        "head",
        "chief",
        "principal",
        "staff",
        "trainee",
        "apprentice",
        "partner",
        "owner",
        "editor",
        "writer",
        "recruiter",
        "administrative",
        "cashier",
        "technologist",
        "strategist",
        "researcher",
        "lecturer",
        "professor",
        "instructor",
        "tutor",
        "contractor",
        "freelancer",
    ]
)
NOT_NAME_WORDS = TITLE_WORDS | frozenset(
    [
        "resume",
        "résumé",
        "curriculum",
        "vitae",
        "cv",
        "summary",
        "profile",
        "contact",
        "phone",
        "email",
        "mobile",
        "address",
        "skills",
        "experience",
        "education",
        "objective",
        "references",
        "page",
        "linkedin",
        "github",
        "portfolio",
        "software",
        "full",
        "stack",
        "senior",
        "junior",
        "the",
        "and",
        "of",
        "for",
        "with",
        "street",
        "road",
        "avenue",
        "city",
        "inc",
        "ltd",
        "llc",
        "gmbh",
        "corp",
        "company",
        "university",
        "college",
    ]
)
NAME_PARTICLES = frozenset(
    [
        "de",
        "da",
        "das",
        "do",
        "dos",
        "du",
        "del",
        "della",
        "di",
        "la",
        "le",
        "van",
        "von",
        "der",
        "den",
        "ter",
        "bin",
        "ibn",
        "al",
        "el",
        "y",
        "e",
    ]
)
LEGAL_SUFFIXES = frozenset(
    [
        "inc",
        "inc.",
        "ltd",
        "ltd.",
        "llc",
        "llc.",
        "gmbh",
        "corp",
        "corp.",
        "co",
        "co.",
        "plc",
        "s.a.",
        "sa",
        "ag",
        "bv",
        "b.v.",
        "limited",
    ]
)

_BULLET_RE = re.compile(r"^\s*(?:[•▪·●◦‣∙○■□➢►▸✓✔\*]|-(?=\s)|–(?=\s)|\d{1,2}[.)](?=\s))\s*")
_SEPARATOR_RE = re.compile(r"\s*(?:\||•|·|▪|◦|\t|\s{3,}|\s[–—-]\s|\s/\s)\s*")
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s|,;<>()\"']+"
    r"|(?<![\w@.])(?:[a-z]{2,3}\.)?(?:linkedin\.com|github\.com|gitlab\.com|bitbucket\.org)/[^\s|,;<>()\"']+",
    re.IGNORECASE,
)
_BARE_DOMAIN_RE = re.compile(
    r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|dev|me|co|app|site|page|tech|design)(?:/\S*)?$", re.IGNORECASE
)
_LABEL_RE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ]{1,20})\s*:\s*(?P<value>.+)$")
_LOCATION_RE = re.compile(r"^[A-ZÀ-Þ][\w.'’ -]*[^\W\d_],\s*[A-ZÀ-Þ][\w.'’ -]*?(?:\s+\d{4,5}(?:-\d{4})?)?$")
_DEGREE_RE = re.compile(
    r"(?<![\w.])(?:"
    r"Ph\.?\s?D\.?|Doctor(?:ate)?(?:\s+of\s+[A-Z]\w+)?|"
    r"Master(?:'s|’s|s)?(?:\s+of\s+(?:Business\s+Administration|[A-Z]\w+))?|"
    r"M\.?B\.?A\.?|M\.?\s?Sc\.?|M\.?S\.?|M\.?A\.?|M\.?Eng\.?|"
    r"Bachelor(?:'s|’s|s)?(?:\s+of\s+(?:Business\s+Administration|[A-Z]\w+(?:\s+Arts)?))?|"
    r"B\.?\s?Sc\.?|B\.?S\.?|B\.?A\.?|B\.?Eng\.?|B\.?Com\.?|B\.?Tech\.?|"
    r"Associate(?:'s|’s)?(?:\s+(?:of|in)\s+[A-Z]\w+|\s+Degree)|A\.?A\.?S\.?|"
    r"High\s+School\s+Diploma|Diploma|GED|HND|Licenciatura|Ingenier[oa]|Diplom-\w+|Laurea|Abitur"
    r")(?![\w])"
)
_DEGREE_LEVELS = (
    (re.compile(r"ph\.?\s?d|doctor", re.I), "doctorate"),
    (re.compile(r"master|m\.?b\.?a|m\.?\s?sc|^m\.?s\.?$|^m\.?a\.?$|m\.?eng|laurea|diplom-", re.I), "master"),
    (
        re.compile(r"bachelor|b\.?\s?sc|^b\.?s\.?$|^b\.?a\.?$|b\.?eng|b\.?com|b\.?tech|licenciatura|ingenier", re.I),
        "bachelor",
    ),
    (re.compile(r"associate|a\.?a\.?s|hnd", re.I), "associate"),
    (re.compile(r"diploma|ged|abitur", re.I), "diploma"),
)
_INSTITUTION_RE = re.compile(
    r"\b(?:University|College|Institute|School|Academy|Polytechnic|Universidad|Universidade|Universität|"
    r"Universite|Université|Università|Universiteit|Uniwersytet|École|Ecole|Hochschule|Politecnico|"
    r"Conservatory|Instituto|Technion|Fachhochschule|Bootcamp)\b",
    re.IGNORECASE,
)
_DATE_TAIL_RE = re.compile(
    r"(?:19|20)\d\d\s*(?:[-–—]|to|until)?\s*(?:[A-Za-z]{3,9}\.?)?\s*$|(?:[-–—]|\bto)\s*$", re.IGNORECASE
)
_FIELD_AFTER_DEGREE_RE = re.compile(r"^\s*(?:,|in|of|-|–|:)?\s*(?:in\s+)?(?P<field>[A-Za-zÀ-ÿ&/ ]{3,60})")


@dataclass
class Line:
    text: str
    bullet: bool
    section: str | None = None


@dataclass
class ParsedResume:
    fields: dict
    relevant_experience_in_months: int
    warnings: list[str] = field(default_factory=list)


def _clean(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u2009", " ").split())


def _segments(text: str) -> list[str]:
    return [part.strip(" ,;") for part in _SEPARATOR_RE.split(text) if part and part.strip(" ,;")]


def _heading_of(text: str) -> tuple[str | None, str]:
    """The section a line opens (if any) and any content written after 'Heading:' on it."""
    stripped = text.strip().strip("#=*_-–—:| ").strip()
    head, _, rest = stripped.partition(":")
    key = re.sub(r"\s+", " ", head.lower().replace("&", "and")).strip()
    section = _HEADING_LOOKUP.get(key)
    if section is None:
        return None, ""
    if not rest.strip() and len(stripped) > 40:
        return None, ""
    return section, rest.strip()


def _continues(previous: Line, body: str) -> bool:
    """A PDF wraps long bullets and sentences onto lines that start in lower case."""
    if previous.section == "heading" or not body[0].islower() or "@" in body or "://" in body:
        return False
    return previous.bullet or len(previous.text) >= 60


def _join_wrapped_dates(lines: list[Line]) -> list[Line]:
    """Table cells wrap "April 2023 to August" / "2025" onto two lines; put them back together."""
    joined: list[Line] = []
    skip = False
    for index, line in enumerate(lines):
        if skip:
            skip = False
            continue
        following = lines[index + 1] if index + 1 < len(lines) else None
        if (
            following is not None
            and not find_date_ranges(line.text)
            and _DATE_TAIL_RE.search(line.text)
            and len(following.text.split()) <= 4
        ):
            candidate = f"{line.text} {following.text}"
            if find_date_ranges(candidate):
                joined.append(Line(candidate, line.bullet, line.section))
                skip = True
                continue
        joined.append(line)
    return joined


def split_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    section: str | None = None
    for raw in text.replace("\t", "   ").splitlines():
        bullet_match = _BULLET_RE.match(raw)
        bullet = bool(bullet_match)
        body = raw[bullet_match.end() :] if bullet_match else raw
        if not bullet and "   " in body.strip():
            body = re.sub(r"\s{3,}", " | ", body.strip())
        body = _clean(body)
        if not body:
            continue
        if lines and not bullet and _continues(lines[-1], body):
            lines[-1].text = f"{lines[-1].text} {body}"
            continue
        if not bullet:
            heading, inline = _heading_of(body)
            if heading is not None:
                section = heading
                lines.append(Line(body, False, "heading"))
                if inline:
                    lines.append(Line(inline, False, section))
                continue
        lines.append(Line(body, bullet, section))
    return _join_wrapped_dates(lines)


def _header_lines(lines: list[Line], limit: int = 12) -> list[Line]:
    header = [line for line in lines[:limit] if line.section in (None, "contact")]
    return header or lines[:limit]


# --- contact details ---------------------------------------------------------------


def _label_value(lines: list[Line], labels: tuple[str, ...]) -> str | None:
    for line in lines:
        match = _LABEL_RE.match(line.text)
        if match and match.group("label").strip().lower() in labels:
            return match.group("value").strip()
    return None


def _smart_title(word: str) -> str:
    return "-".join("'".join(p[:1].upper() + p[1:].lower() for p in part.split("'")) for part in word.split("-"))


def _name_from(text: str) -> str | None:
    words = text.replace(",", " ").split()
    if not 2 <= len(words) <= 5 or len(text) > 60:
        return None
    capitalised = 0
    for word in words:
        bare = word.strip(".")
        if bare.lower() in NAME_PARTICLES:
            continue
        if not re.fullmatch(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*\.?", word) or bare.lower() in NOT_NAME_WORDS:
            return None
        if not word[0].isupper():
            return None
        capitalised += 1
    if capitalised < 2 or (words[0].strip(".").lower() in NAME_PARTICLES):
        return None
    if all(len(w.strip(".")) == 1 for w in words):
        return None  # letter-spaced headings such as "J O H N"
    if text.isupper():
        return " ".join(w.lower() if w.lower() in NAME_PARTICLES else _smart_title(w) for w in words)
    return " ".join(words)


def extract_name(lines: list[Line]) -> str | None:
    labelled = _label_value(lines[:25], ("name", "full name", "candidate name", "candidate"))
    if labelled and _name_from(labelled):
        return _name_from(labelled)
    for line in _header_lines(lines):
        if line.bullet or "@" in line.text:
            continue
        for segment in _segments(line.text)[:2]:
            name = _name_from(segment)
            if name:
                return name
    return None


def extract_email(text: str) -> str | None:
    match = _EMAIL_RE.search(text)
    return match.group().lower().rstrip(".") if match else None


def _first_phone(text: str, region: str, leniency) -> str | None:
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=leniency):
        if "/" in match.raw_string or find_date_ranges(match.raw_string) or YEAR_RE.match(match.raw_string):
            continue  # "2019 - 03/2021" is a date range, not a number
        return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return None


def extract_phone(lines: list[Line], text: str, region: str) -> str | None:
    # Contact details sit at the top, or in a footer at the very end.
    contact_zone = "\n".join(line.text for line in [*_header_lines(lines, 15), *lines[-4:]])
    labelled = _label_value(lines, ("phone", "mobile", "tel", "telephone", "cell", "phone number"))
    for candidate_text in filter(None, (labelled, contact_zone)):
        for leniency in (phonenumbers.Leniency.VALID, phonenumbers.Leniency.POSSIBLE):
            phone = _first_phone(candidate_text, region, leniency)
            if phone:
                return phone
    return _first_phone(text, region, phonenumbers.Leniency.VALID)


def _normalise_url(url: str) -> str:
    url = url.rstrip(".,;:)")
    return url if url.lower().startswith(("http://", "https://")) else "https://" + url


def extract_links(lines: list[Line], text: str) -> dict:
    links: dict = {"linkedin": None, "github": None, "portfolio": None, "other": []}
    found = [_normalise_url(match.group()) for match in _URL_RE.finditer(_EMAIL_RE.sub(" ", text))]
    for line in _header_lines(lines, 15):
        for segment in _segments(_EMAIL_RE.sub(" ", line.text)):
            value = segment.split(":", 1)[1].strip() if ":" in segment and not segment.startswith("http") else segment
            profile_without_path = value.lower().rstrip("/") in ("linkedin.com", "github.com", "www.linkedin.com")
            if _BARE_DOMAIN_RE.match(value) and canonical_skill(value) is None and not profile_without_path:
                url = _normalise_url(value)
                if url not in found:
                    found.append(url)
    for url in found:
        lowered = url.lower()
        if "linkedin.com" in lowered:
            links["linkedin"] = links["linkedin"] or url
        elif "github.com" in lowered:
            links["github"] = links["github"] or url
        elif links["portfolio"] is None:
            links["portfolio"] = url
        elif url not in links["other"]:
            links["other"].append(url)
    return links


def _is_location(segment: str) -> bool:
    if not _LOCATION_RE.match(segment) or len(segment.split()) > 7:
        return False
    return not any(word.strip(",.").lower() in TITLE_WORDS for word in segment.split())


def extract_location(lines: list[Line]) -> str | None:
    labelled = _label_value(lines[:30], ("location", "address", "city", "based in", "residence"))
    if labelled:
        return labelled
    for line in _header_lines(lines, 15):
        for segment in _segments(_EMAIL_RE.sub(" ", line.text)):
            if _is_location(segment):
                return segment
    return None


# --- work history ------------------------------------------------------------------


def _has_title_word(text: str) -> bool:
    return any(word.strip(",.()").lower() in TITLE_WORDS for word in text.split())


def _role_segments(text: str) -> list[str]:
    parts = []
    for segment in _segments(text):
        for piece in re.split(r",\s*|\s+at\s+|\s+@\s+", segment):
            piece = piece.strip(" ()/,;-–")
            if piece and piece.lower() not in LEGAL_SUFFIXES and not YEAR_RE.fullmatch(piece):
                parts.append(piece)
    return parts


def _is_role_context(line: Line) -> bool:
    text = line.text
    return (
        not line.bullet
        and len(text) <= 90
        and len(text.split()) <= 10
        and not text.endswith(".")
        and line.section != "heading"
    )


def _is_company_like(segment: str) -> bool:
    if len(segment.split()) > 6 or _PLACE_WORD_RE.search(segment):
        return False
    if re.fullmatch(r"[A-Z]{2}(?:\s+\d{5})?", segment):
        return False  # a state code split off "City, ST"
    return not segment.endswith(".") or segment.lower().endswith(("inc.", "ltd.", "co.", "corp."))


def _role_from(segments: list[str]) -> tuple[str, str]:
    title = next((s for s in segments if _has_title_word(s)), "")
    company = next((s for s in segments if s != title and _is_company_like(s)), "")
    return title, company


_PLACE_WORD_RE = re.compile(r"^(?:remote|hybrid|on-?site)$", re.IGNORECASE)


def extract_experience(lines: list[Line], today: date) -> tuple[list[dict], list[DateRange]]:
    in_section = [line for line in lines if line.section == "experience"]
    pool = in_section or [
        line for line in lines if line.section not in ("education", "heading", "certifications", "projects")
    ]
    roles: list[dict] = []
    ranges: list[DateRange] = []
    last_boundary = -1
    for index, line in enumerate(pool):
        found = find_date_ranges(line.text)
        if not found:
            continue
        date_range = found[0]
        rest = (line.text[: date_range.span[0]] + " | " + line.text[date_range.span[1] :]).strip(" |")
        segments = _role_segments(rest)
        context: list[str] = []
        for previous in reversed(pool[last_boundary + 1 : index]):
            if not _is_role_context(previous) or len(context) == 3:
                break
            context.insert(0, previous.text)
        context_segments = [s for text in context for s in _role_segments(text)]
        title, company = _role_from(context_segments + segments)
        # Some layouts put the title and/or company on the lines after the dates.
        for following in pool[index + 1 : index + 3]:
            if title and company:
                break
            if not _is_role_context(following) or find_date_ranges(following.text):
                break
            following_segments = [s for s in _role_segments(following.text) if s not in (title, company)]
            next_title, next_company = _role_from(following_segments)
            title = title or next_title
            company = company or (next_company if next_company != title else "")
        last_boundary = index
        ranges.append(date_range)
        roles.append(
            {
                "title": title,
                "company": company,
                "start": date_range.start.iso(),
                "end": date_range.end.iso() if date_range.end else None,
                "current": date_range.end is None,
                "months": date_range.months(today),
            }
        )
    return roles, ranges


# --- education, certifications, projects -------------------------------------------


def degree_level(degree: str) -> str | None:
    for pattern, level in _DEGREE_LEVELS:
        if pattern.search(degree.strip()):
            return level
    return None


def _field_after(text: str, end: int) -> str:
    match = _FIELD_AFTER_DEGREE_RE.match(text[end:])
    if not match:
        return ""
    value = _INSTITUTION_RE.split(match.group("field"))[0]
    value = re.split(r"\s+(?:from|at)\s+|\s{2,}", value)[0].strip(" ,-–&/")
    return value if len(value) >= 3 and not YEAR_RE.search(value) else ""


def extract_education(lines: list[Line]) -> list[dict]:
    entries: list[dict] = []
    current: dict | None = None

    def start_new() -> dict:
        entry = {"degree": "", "level": None, "field": "", "institution": "", "start_year": None, "end_year": None}
        entries.append(entry)
        return entry

    for line in (line for line in lines if line.section == "education"):
        text = line.text
        degree_match = _DEGREE_RE.search(text)
        institution = next((s for s in _segments(text) for s in [s] if _INSTITUTION_RE.search(s)), "")
        if institution:
            institution = re.split(r",\s*(?=\d)|\s+\d{4}", institution)[0].strip(" ,")
        years = [int(y) for y in YEAR_RE.findall(text)]
        starts_entry = (degree_match and current and current["degree"]) or (
            institution and current and current["institution"]
        )
        if current is None or starts_entry:
            current = start_new()
        if degree_match:
            current["degree"] = degree_match.group().strip()
            current["level"] = degree_level(current["degree"])
            current["field"] = current["field"] or _field_after(text, degree_match.end())
        if institution:
            current["institution"] = institution
        elif (
            not degree_match
            and current["degree"]
            and not current["field"]
            and not years
            and len(text.split()) <= 6
            and not line.bullet
        ):
            current["field"] = text.strip(" ,")
        if years:
            all_years = [y for y in (current["start_year"], current["end_year"]) if y] + years
            current["start_year"], current["end_year"] = min(all_years), max(all_years)
            if current["start_year"] == current["end_year"]:
                current["start_year"] = None
    return [entry for entry in entries if entry["degree"] or entry["institution"]]


def extract_certifications(lines: list[Line]) -> list[str]:
    certifications: list[str] = []
    for line in (line for line in lines if line.section == "certifications"):
        for item in re.split(r"\s*[;|]\s*", line.text):
            item = item.strip(" ,.")
            if len(item) < 3:
                continue
            if certifications and not line.bullet and (item[0].islower() or item.startswith("(")):
                certifications[-1] = f"{certifications[-1]} {item}"
            elif item not in certifications:
                certifications.append(item)
    return certifications


def extract_projects(lines: list[Line]) -> list[dict]:
    projects: list[dict] = []
    for line in (line for line in lines if line.section == "projects"):
        text = line.text
        if projects and (text[0].islower() or (not line.bullet and projects[-1]["_bullet"] and len(text) > 60)):
            previous = projects[-1]
            previous["description"] = f"{previous['description']} {text}".strip()
            continue
        name, description = text, ""
        match = re.match(r"^(?P<name>[^:–—]{2,80}?)\s*(?::|\s[–—-]\s)\s*(?P<description>.+)$", text)
        if match:
            name, description = match.group("name"), match.group("description")
        projects.append({"name": name.strip(), "description": description.strip(), "_bullet": line.bullet})
    for project in projects:
        del project["_bullet"]
    return projects


# --- everything --------------------------------------------------------------------


def extract_fields(text: str, *, today: date, phone_region: str = "US") -> ParsedResume:
    lines = split_lines(text)
    name = extract_name(lines)
    email = extract_email(text)
    experience, ranges = extract_experience(lines, today)
    skill_text = _URL_RE.sub(" ", _EMAIL_RE.sub(" ", text))
    if name:
        skill_text = skill_text.replace(name, " ", 1)
    fields = {
        "name": name,
        "email": email,
        "phone": extract_phone(lines, text, phone_region),
        "location": extract_location(lines),
        "links": extract_links(lines, text),
        "skills": find_skills(skill_text),
        "experience": experience,
        "education": extract_education(lines),
        "certifications": extract_certifications(lines),
        "projects": extract_projects(lines),
    }
    warnings = []
    if not any(line.section == "experience" for line in lines):
        warnings.append("No work-experience heading found; dates were read from the whole document.")
    return ParsedResume(fields, total_experience_months(ranges, today), warnings)
