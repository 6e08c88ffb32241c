"""The explorers' common base: collapse to the latest, messages, a learner's function."""

import ipywidgets as W
import pytest

from course_lib.exercises import TimeLimitExceeded
from course_lib.widgets._base import Explorer, learner_error


class Counter(Explorer):
    """An explorer whose update records the slider value it saw; while the first update runs,
    the 'hand' moves the slider through several values."""

    def __init__(self, moves_during_first_update=()):
        super().__init__()
        self.slider = W.IntSlider(value=0, max=100)
        self.widget = W.VBox([self.slider, self.status])
        self.seen = []
        self._moves = list(moves_during_first_update)
        self.slider.observe(self.request_update, names="value")

    def update(self):
        self.seen.append(self.slider.value)
        moves, self._moves = self._moves, []
        for v in moves:  # changes arriving while this update runs
            self.slider.value = v


def test_changes_during_an_update_collapse_into_one_more_update_with_the_last_value():
    ex = Counter(moves_during_first_update=[3, 7, 9, 42])
    ex.slider.value = 1
    assert ex.seen == [1, 42]
    assert ex.updates == 2


def test_changes_between_updates_each_get_an_update():
    ex = Counter()
    for v in (1, 2, 3):
        ex.slider.value = v
    assert ex.seen == [1, 2, 3]


def test_an_update_that_raises_is_reported_and_does_not_stop_later_updates():
    class Broken(Counter):
        def update(self):
            super().update()
            if self.slider.value == 5:
                raise ValueError("five is unlucky")

    ex = Broken()
    ex.slider.value = 5
    assert ex.message == "ValueError: five is unlucky"
    assert "five is unlucky" in ex.status.value and "nothing to show" in ex.status.value
    ex.output = "a picture"
    ex.slider.value = 4
    ex.slider.value = 5
    assert "last good output" in ex.status.value
    ex.clear_problem()
    assert ex.message == "" and ex.status.value == ""
    ex.slider.value = 6
    assert ex.seen[-1] == 6


def test_the_explorer_displays_as_its_widget_and_is_its_own_explorer():
    ex = Counter()
    assert ex._repr_mimebundle_() == ex.widget._repr_mimebundle_()
    assert ex.explorer is ex


def test_a_learners_function_is_called_within_the_time_limit(monkeypatch):
    import course_lib.exercises as exercises

    monkeypatch.setattr(exercises, "TIME_LIMIT", 0.2)

    def loops(x):
        while True:
            pass

    with pytest.raises(TimeLimitExceeded) as info:
        Explorer.call_learner(loops, 1)
    assert "did not return" in learner_error(info.value)
    assert Explorer.call_learner(lambda x, y=0: x + y, 1, y=2) == 3
    assert "NotImplementedError" in learner_error(NotImplementedError())
    assert learner_error(KeyError("k")) == "your function raised KeyError: 'k'"
