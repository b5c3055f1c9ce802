from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from screening.parsing.dates import find_date_ranges, total_experience_months

TODAY = date(2026, 6, 15)
MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def months(text: str) -> int:
    return total_experience_months(find_date_ranges(text), TODAY)


def test_formats():
    assert months("Jan 2020 – Mar 2020") == 3
    assert months("01/2020 - 03/2020") == 3
    assert months("2020-01 to 2020-03") == 3
    assert months("January, 2020 — March 2020") == 3
    assert months("Sept. 2019 until Feb. 2020") == 6
    assert months("2018 - 2019") == 24


def test_present_means_today():
    assert months("Jan 2026 – Present") == 6
    assert months("Jan 2026 - current") == 6
    assert months("2026 – now") == 6


def test_overlapping_roles_count_once():
    assert months("Jan 2020 – Dec 2020\nJun 2020 – Jun 2021") == 18
    assert months("Jan 2020 – Dec 2020\nJan 2020 – Dec 2020") == 12


def test_reversed_or_future_ranges_count_nothing():
    assert months("Dec 2021 – Jan 2020") == 0
    assert months("Jan 2027 – Present") == 0


def test_phone_numbers_and_single_years_are_not_ranges():
    assert find_date_ranges("(555) 123-4567, graduated 2019, +1 206-555-0149") == []


year_months = st.tuples(st.integers(1990, 2026), st.integers(1, 12)).filter(lambda ym: ym <= (2026, 6))


@st.composite
def role_ranges(draw):
    start = draw(year_months)
    end = draw(year_months.filter(lambda ym: ym >= start))
    return start, end


def fmt(ym) -> str:
    return f"{MONTH_NAMES[ym[1] - 1]} {ym[0]}"


@given(st.lists(role_ranges(), min_size=1, max_size=6))
def test_months_equal_union_of_covered_months(roles):
    text = "\n".join(f"Role {i} | {fmt(start)} – {fmt(end)}" for i, (start, end) in enumerate(roles))
    covered = set()
    for start, end in roles:
        covered.update(range(start[0] * 12 + start[1], end[0] * 12 + end[1] + 1))
    assert months(text) == len(covered)


@given(st.lists(role_ranges(), min_size=1, max_size=6))
def test_months_bounded_by_sum_and_longest_role(roles):
    text = "\n".join(f"{start[1]:02d}/{start[0]} - {end[1]:02d}/{end[0]}" for start, end in roles)
    lengths = [(end[0] * 12 + end[1]) - (start[0] * 12 + start[1]) + 1 for start, end in roles]
    assert max(lengths) <= months(text) <= sum(lengths)


@given(st.permutations(["Jan 2015 – Jun 2016", "Mar 2016 – Present", "Feb 2010 – Feb 2012"]))
def test_order_of_roles_does_not_matter(lines):
    assert months("\n".join(lines)) == months("Jan 2015 – Jun 2016\nMar 2016 – Present\nFeb 2010 – Feb 2012")


def test_stored_roles_are_recounted_as_of_a_later_day():
    from screening.parsing.dates import months_from_roles

    roles = [{"start": "2025-01", "end": None}, {"start": "2023-01", "end": "2023-12"}, {"start": "bad"}]
    assert months_from_roles(roles, date(2025, 12, 31)) == 24
    assert months_from_roles(roles, date(2026, 6, 1)) == 30
