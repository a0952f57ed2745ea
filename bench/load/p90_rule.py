"""Issue 20's p90 rule: a class's slider-change p90 is held to 2x what one student alone sees.

One student alone (bench_load's one-student level) tours every page of the class mix; a class draws its
pages, and each page has its own latency (a training run ~150 ms, a playground change ~15 ms). So the
reference for a class is not the lone student's plain p90 but the p90 of the lone student's changes with
each page weighted to its share of the class's changes: what the class's p90 would be if each of its
changes took what the same page's changes take for one student alone. No gevent here: the tests import it.
"""


def percentile(values, fraction):
    """The `fraction` quantile, linear between order statistics (numpy's default)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def weighted_percentile(weighted_values, fraction):
    """The smallest value at which the weights of the values up to it reach `fraction` of all the weight.
    `weighted_values`: (value, weight) pairs."""
    ordered = sorted(weighted_values)
    total = sum(weight for _, weight in ordered)
    running = 0.0
    for value, weight in ordered:
        running += weight
        if running >= fraction * total:
            return value
    return float("nan")


def matched_reference_p90(alone_ms_by_page, class_changes_by_page):
    """(p90 ms, pages left out): the p90 of one student's changes ({page: [ms, ...]}), each page's changes
    weighted so that the pages have the shares they have among a class's changes ({page: count}). Pages
    where the one student made no change are left out, and named."""
    weighted, missing = [], []
    for page, changes in sorted(class_changes_by_page.items()):
        alone = alone_ms_by_page.get(page, [])
        if not alone:
            missing.append(page)
            continue
        weighted += [(ms, changes / len(alone)) for ms in alone]
    return weighted_percentile(weighted, 0.9), missing
