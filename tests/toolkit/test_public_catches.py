"""Public tests catch what hidden tests catch, where issue 21 asks (items 4 and 5): windows not
moved by the stride fail a public test of conv_forward and of im2col, and a train that records the
last batch's loss fails a public test of train and the hidden test of its history."""

import pytest

from grader.config import load_course
from grader.grading import grade

from .conftest import ROOT

STRIDE_IGNORED = {
    "conv": """

def conv_forward(x, w, b, stride=1, pad=0):
    n, _, height, width = x.shape
    filters, _, fh, fw = w.shape
    padded = zero_pad(x, pad)
    out_h = conv_output_size(height, fh, pad=pad, stride=stride)
    out_w = conv_output_size(width, fw, pad=pad, stride=stride)
    out = np.zeros((n, filters, out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = padded[:, None, :, i : i + fh, j : j + fw]
            out[:, :, i, j] = (window * w[None]).sum(axis=(2, 3, 4)) + b
    return out
""",
    "im2col": """

def im2col(x, fh, fw, stride=1, pad=0):
    n, channels, height, width = x.shape
    out_h = (height + 2 * pad - fh) // stride + 1
    out_w = (width + 2 * pad - fw) // stride + 1
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.zeros((channels * fh * fw, n * out_h * out_w))
    for image in range(n):
        for i in range(out_h):
            for j in range(out_w):
                window = padded[image, :, i : i + fh, j : j + fw]
                cols[:, (image * out_h + i) * out_w + j] = window.reshape(-1)
    return cols
""",
}
LAST_BATCH = ('history["loss"].append(float(np.mean(losses)))', 'history["loss"].append(float(losses[-1]))')


def graded(course, assignment_id, source, tmp_path):
    assignment = load_course(course / "course.yml").assignment(assignment_id)
    path = tmp_path / assignment.module
    path.write_text(source, encoding="utf-8")
    return grade(course, assignment, path)


def lost(report):
    return {(t.name, t.hidden) for t in report.tests if t.score < t.max_score}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("assignment_id", "public"),
    [("conv", "test_forward_moves_by_the_stride"), ("im2col", "test_im2col_stride_by_hand")],
)
def test_windows_not_moved_by_the_stride_fail_a_public_test(course_copy, tmp_path, assignment_id, public):
    source = (ROOT / "solutions" / f"{assignment_id}.py").read_text(encoding="utf-8") + STRIDE_IGNORED[
        assignment_id
    ]
    failed = lost(graded(course_copy, assignment_id, source, tmp_path))
    assert (public, False) in failed and any(hidden for _, hidden in failed)


@pytest.mark.slow
def test_a_history_of_last_batch_losses_fails_public_and_hidden_tests(course_copy, tmp_path):
    source = (ROOT / "solutions" / "cnn.py").read_text(encoding="utf-8")
    assert source.count(LAST_BATCH[0]) == 1
    failed = lost(graded(course_copy, "cnn", source.replace(*LAST_BATCH), tmp_path))
    assert ("test_train_steps_on_blank_images", False) in failed
    assert ("test_train_history_is_the_epochs_mean_minibatch_loss", True) in failed
