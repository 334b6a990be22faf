"""A value question never tells a learner how long their list was: for a count, that length is the answer."""

from kamlib.course._checking import ValueQuestion


def test_list_given_for_a_count_does_not_reveal_its_length():
    q = ValueQuestion("q1", "n_lost", expected=lambda data: 7, solution="n_lost = 7", hints=["count them"])
    outcome = q.evaluate(["C1", "C2", "C3", "C4", "C5", "C6", "C7"], None)
    message = str(outcome)
    assert "7" not in message, message
    assert "list" in message
