import pytest

from jobs.skills import VocabularyError, all_skill_names, canonical_skill, find_skills, load_vocabulary


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("JS", "JavaScript"),
        ("js", "JavaScript"),
        ("Postgres", "PostgreSQL"),
        ("k8s", "Kubernetes"),
        ("golang", "Go"),
        ("go", "Go"),
        ("  Microsoft   Excel ", "Microsoft Excel"),
        ("QuickBooks Online", "QuickBooks"),
        ("no such skill", None),
    ],
)
def test_canonical_skill_resolves_aliases(alias, canonical):
    assert canonical_skill(alias) == canonical


def test_vocabulary_has_hundreds_of_skills_across_fields():
    vocabulary = load_vocabulary()
    assert len(vocabulary.skills) >= 300
    categories = {skill.category for skill in vocabulary.skills.values()}
    assert {"accounting", "office", "it-support", "devops", "language"} <= categories
    assert all_skill_names() == sorted(all_skill_names(), key=str.lower)


def test_find_skills_uses_aliases_and_word_boundaries():
    text = "Worked with JS, Postgres and k8s; C/C++ and C#; ASP.NET Core on Node.js; Linux/Unix."
    assert find_skills(text) == [
        "JavaScript",
        "PostgreSQL",
        "Kubernetes",
        "C",
        "C++",
        "C#",
        "ASP.NET",
        "Node.js",
        "Linux",
        "Unix",
    ]


def test_short_and_common_word_aliases_need_their_capitalisation():
    assert find_skills("We go to market and excel at the rest of it, swift and rusty.") == []
    assert find_skills("Go, R, Swift, Rust, Excel") == ["Go", "R", "Swift", "Rust", "Microsoft Excel"]


def test_short_aliases_do_not_match_inside_other_tokens():
    assert find_skills("C-level stakeholders, R&D budget owner.") == []
    assert "Python" not in find_skills("python3x pythonic")


def test_matches_span_line_breaks_and_report_each_skill_once():
    assert find_skills("Microsoft\nExcel, excel spreadsheets, MS Excel") == ["Microsoft Excel"]


def test_conflicting_alias_in_vocabulary_is_refused(tmp_path):
    path = tmp_path / "skills.csv"
    path.write_text("canonical,category,aliases\nGo,language,Golang\nGoogle,tools,golang\n")
    with pytest.raises(VocabularyError):
        load_vocabulary(path)
