"""The choice an asset-triggered entity run takes from the events that triggered it (reconcile.dag_factory)."""

from reconcile.dag_factory import merged_conf


def test_a_decisions_run_left_in_the_queue_does_not_narrow_the_night() -> None:
    # a manual run applying decisions to contacts emitted its event; the night's event arrives beside it
    night = {"pair": None, "entities": None, "full_resync": False, "apply_decisions": False}
    decisions_run = {"pair": "harbour", "apply_decisions": True}
    assert merged_conf([decisions_run, night]) == {}
    assert merged_conf([night, decisions_run]) == {}


def test_events_that_agree_keep_their_choice() -> None:
    assert merged_conf([{"pair": "harbour", "apply_decisions": True}] * 2) == {"pair": "harbour",
                                                                                "apply_decisions": True}
    assert merged_conf([{"pair": "harbour", "entities": ["invoices"]},
                        {"pair": "harbour", "entities": ["bills"], "full_resync": True}]) == {
        "pair": "harbour", "entities": ["bills", "invoices"], "full_resync": True}


def test_two_pairs_queued_together_align_both() -> None:
    assert merged_conf([{"pair": "harbour"}, {"pair": "other"}]) == {}
    assert merged_conf([]) == {}
