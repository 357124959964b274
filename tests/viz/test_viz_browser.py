"""The backward page in a real browser: headless Chromium driven by selenium.

Skips cleanly without selenium, Chromium and chromedriver (``.ci/run`` installs Debian's
``chromium`` and ``chromium-driver``). The driver is never downloaded: only binaries
already on the PATH are used.
"""
import re
import shutil
import time

import numpy as np
import pytest

import minigrad as mg
from minigrad.viz import backward_steps, record, save_backward_html

pytest.importorskip("graphviz")
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser",
                                                "google-chrome"))), None)
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None or shutil.which("dot") is None,
    reason="needs chromium, chromedriver and Graphviz `dot`")


@pytest.fixture(scope="module")
def browser():
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,800"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def numbers(text):
    return np.array([float(v) for v in
                     re.findall(r"-?(?:\d+\.?\d*(?:e[-+]?\d+)?|nan|inf)", text)])


def panel_tensor(browser, role):
    """The text of the panel's tensor with this role (values, or min/mean/max/norm)."""
    box = browser.find_element(By.CSS_SELECTOR, f'#panel [data-role~="{role}"]')
    return box.find_element(By.CSS_SELECTOR, ".values, .stats").text


def assert_shows(browser, role, tensor):
    """The panel shows every value of ``tensor``, or its min, mean, max and norm."""
    text, array = panel_tensor(browser, role), tensor.numpy().astype(np.float64)
    if text.startswith("min"):
        array = np.array([array.min(), array.mean(), array.max(), np.linalg.norm(array)])
    np.testing.assert_allclose(numbers(text), array.ravel(), rtol=1e-3, atol=1e-4)


def current_node(browser):
    (node,) = browser.find_elements(By.CSS_SELECTOR, "#graph g.node.current")
    return node.find_element(By.TAG_NAME, "title").get_attribute("textContent"), \
        " ".join(t.get_attribute("textContent") for t in node.find_elements(By.TAG_NAME, "text"))


def check_step(browser, step, leaf_names):
    """The page shows ``step``: its number, its node highlighted, its gradients."""
    assert browser.find_element(By.ID, "step-number").text == str(step.number)
    _, label = current_node(browser)
    expected = leaf_names[id(step.leaf)] if step.leaf is not None else step.name
    assert label.split()[0] == expected
    assert_shows(browser, "in-0", step.grads_in[0])
    sent = [g for g, meta in zip(step.grads_out, getattr(step.node, "input_meta", ()))
            if meta is not None]
    for i, grad in enumerate(sent):
        if grad is not None:
            assert_shows(browser, f"out-{i}", grad)


def test_next_previous_and_the_arrow_keys_walk_the_steps(browser, tmp_path):
    mg.manual_seed(0)
    x = mg.randn(4, 3)
    w = mg.randn(3, 2, requires_grad=True)
    b = mg.zeros(2, requires_grad=True)
    steps = backward_steps((x @ w + b).tanh().mean(), params={"w": w, "b": b})
    page = save_backward_html(steps, tmp_path / "tanh.html", rankdir="LR")
    browser.get(page.as_uri())
    leaf_names = {id(w): "w", id(b): "b"}
    check_step(browser, steps[0], leaf_names)
    for step in steps[1:4]:
        browser.find_element(By.ID, "next").click()
        check_step(browser, step, leaf_names)
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    check_step(browser, steps[4], leaf_names)
    browser.find_element(By.ID, "prev").click()
    check_step(browser, steps[3], leaf_names)
    # done nodes and crossed edges: every earlier step's node is marked as run
    done = browser.find_elements(By.CSS_SELECTOR, "#graph g.node.done")
    assert len(done) == 3
    assert browser.find_elements(By.CSS_SELECTOR, "#graph g.edge.active")
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_a_reused_value_shows_both_arrivals_and_their_sum(browser, tmp_path):
    a = mg.tensor([1.0, -2.0], requires_grad=True)
    b = a * a
    c = b + b
    steps = backward_steps(c.sum(), params={"a": a})
    browser.get(save_backward_html(steps, tmp_path / "reuse.html").as_uri())
    for _ in range(2):
        browser.find_element(By.ID, "next").click()
    check_step(browser, steps[2], {id(a): "a"})  # mul: 1 + 1 arrived from add
    panel = browser.find_element(By.ID, "panel").text
    assert panel.count("from add (step 2)") == 2 and "were added up" in panel
    browser.find_element(By.ID, "next").click()
    check_step(browser, steps[3], {id(a): "a"})
    assert_shows(browser, "leaf-grad", mg.tensor([4.0, -8.0]))


def test_lenet5_step_3_and_a_screenshot(browser, lenet, tmp_path):
    nn = pytest.importorskip("minigrad.nn")
    mg.manual_seed(0)
    model = lenet()
    with record():
        loss = nn.functional.cross_entropy(model(mg.randn(64, 1, 28, 28)),
                                           mg.randint(0, 10, (64,)))
    steps = backward_steps(loss, params=model)
    browser.get(save_backward_html(steps, tmp_path / "lenet.html").as_uri())
    for _ in range(2):
        browser.find_element(By.ID, "next").click()
    check_step(browser, steps[2], {})
    shot = tmp_path / "lenet-step3.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    browser.find_element(By.ID, "play").click()  # one step a second
    started = time.monotonic()
    while int(browser.find_element(By.ID, "step-number").text) == 3:
        assert time.monotonic() - started < 10, "Play did not advance"
        time.sleep(0.1)
    browser.find_element(By.ID, "play").click()  # pause
