"""Hidden tests of assignment 4 (params): every parameter count and layer table of the notes.

Sources: shared/seeds/000 §1.1 and §1.6-1.7, 002 (LeNet, 參數少), 003 (CS231n: one neuron's 3,072
and 120,000 weights, 760, AlexNet, CIFAR-10's layers, 27C^2 against 49C^2, FC as conv), 004 (the
512x512 image, 8 filters 5x5).
Where the notes count weights only, the test passes bias=False.
"""

import numpy as np
import pytest

from grader.compare import assert_close, expect, expect_raises, message
from grader.testing import call_watching_inputs

pytestmark = pytest.mark.hidden


def conv(filters, size, stride=1, pad=0):
    return {"type": "conv", "filters": filters, "size": size, "stride": stride, "pad": pad}


def pool(size, stride):
    return {"type": "pool", "size": size, "stride": stride}


@pytest.mark.points(2)
@pytest.mark.function("conv_params")
def test_ten_filters_three_by_three_by_three(submission):
    """000 §1.6: 10 filters of 3x3x3, 27 weights and one bias each: 280 parameters.
    The notes then print "只有28个" (only 28); the count they just computed is 280."""
    assert_close(submission.conv_params(3, 3, 10), 280)


@pytest.mark.points(2)
@pytest.mark.function("conv_params")
def test_cs231n_ten_filters_five_by_five(submission):
    """003 §4.1 3) and 4): 5x5x3+1 = 76 parameters per neuron, and 10 filters have 760."""
    assert_close(submission.conv_params(5, 3, 1), 76)
    assert_close(submission.conv_params(5, 3, 10), 760)


@pytest.mark.points(3)
@pytest.mark.function("conv_params")
def test_alexnet_first_layer_shared(submission):
    """003 §4.1 4) 参数共享 (parameter sharing): 96 x (11x11x3 + 1) = 34,944 parameters."""
    assert_close(submission.conv_params(11, 3, 96), 34_944)


@pytest.mark.points(3)
@pytest.mark.function("unshared_conv_params")
def test_alexnet_first_layer_unshared(submission):
    """003 §4.1 4): without sharing, 55x55x96 = 290,400 neurons of 364 parameters: 105,705,600."""
    assert_close(submission.unshared_conv_params(55, 55, 11, 3, 96), 105_705_600)
    assert_close(submission.unshared_conv_params(55, 55, 1, 1, 96, bias=False), 290_400)


@pytest.mark.points(2)
@pytest.mark.function("fc_params")
def test_fully_connected_three_million(submission):
    """002 (參數少): a 100x100x3 image fully connected to 100 neurons: 3,000,000 weights."""
    assert_close(submission.fc_params(100 * 100 * 3, 100, bias=False), 3_000_000)


@pytest.mark.points(2)
@pytest.mark.function("conv_params")
def test_ten_filters_ten_by_ten(submission):
    """002 (參數少): 10 filters of 10x10x3 have 3,000 weights (3,010 with biases)."""
    assert_close(submission.conv_params(10, 3, 10, bias=False), 3_000)
    assert_close(submission.conv_params(10, 3, 10), 3_010)


@pytest.mark.points(2)
@pytest.mark.function("summarize")
def test_ten_filters_ten_by_ten_output(submission):
    """002 (參數少): ... and output 91x91x10 values from a 100x100x3 image. The notes print
    "= 81000", a slip: 91 x 91 x 10 = 82,810, which the output shape gives."""
    rows = submission.summarize((3, 100, 100), [conv(10, 10)])
    assert_close(rows, [{"type": "conv", "output_shape": (10, 91, 91), "params": 3_010}])
    values = int(np.prod(rows[0]["output_shape"]))
    expect(
        values == 82_810,
        "91x91x10 is 82,810 values, not {got:,}",
        "91x91x10 是 82,810 个值，不是 {got:,}",
        got=values,
    )


@pytest.mark.points(2)
@pytest.mark.function("conv_params")
@pytest.mark.parametrize("channels", [1, 3, 64, 512])
def test_three_small_filters_against_one_large(submission, channels):
    """003 §5.1: three 3x3 layers of C filters hold 3 x C x (3x3xC) = 27C^2 weights, one 7x7
    layer C x (7x7xC) = 49C^2."""
    three_small = 3 * submission.conv_params(3, channels, channels, bias=False)
    one_large = submission.conv_params(7, channels, channels, bias=False)
    assert_close(
        three_small, 27 * channels**2, what=message("3 x 3x3, C={c}", "3 个 3x3 卷积层，C={c}", c=channels)
    )
    assert_close(
        one_large, 49 * channels**2, what=message("7x7, C={c}", "1 个 7x7 卷积层，C={c}", c=channels)
    )


@pytest.mark.points(2)
@pytest.mark.function("fc_params")
def test_image_into_eight_hidden_units(submission):
    """004: a 512x512 image into a hidden layer of 8 neurons: (512^2 + 1) x 8 = 2,097,160
    trainable weights, "over 2 million"."""
    assert_close(submission.fc_params(512 * 512, 8), 2_097_160)


@pytest.mark.points(2)
@pytest.mark.function("conv_params")
def test_eight_filters_five_by_five(submission):
    """004: eight filters on a 5x5 neighbourhood have 200 weights. The notes print "5 乘 8 = 200";
    the neighbourhood has 5x5 = 25 weights, and 25 x 8 = 200."""
    assert_close(submission.conv_params(5, 1, 8, bias=False), 200)


@pytest.mark.points(2)
@pytest.mark.function("conv_params")
def test_fully_connected_layer_as_a_convolution(submission):
    """003 §4.4: the FC layer on 7x7x512 with 4096 outputs is a conv with F=7, K=4096:
    4096 x (7x7x512 + 1) = 102,764,544 parameters."""
    assert_close(submission.conv_params(7, 512, 4096), 102_764_544)


@pytest.mark.points(1)
@pytest.mark.function("fc_params")
def test_fully_connected_layer_on_seven_by_seven_by_512(submission):
    """003 §4.4: the first fully connected layer after 7x7x512 needs 7x7x512 weights per neuron;
    with 4096 neurons and their biases, 102,764,544 parameters, as many as its convolution."""
    assert_close(submission.fc_params(7 * 7 * 512, 4096), 102_764_544)


@pytest.mark.points(3)
@pytest.mark.function("summarize")
def test_lenet_layer_table(submission):
    """002 (LeNet): 32x32x3 -> 6 filters 5x5 -> 28x28x6 -> pool -> 14x14x6 -> 16 filters 5x5
    -> 10x10x16 -> pool -> 5x5x16 -> 400 -> 120 -> 84 -> 10.

    The notes print "16個5*5*3" for the second layer's filters; they see the 6 channels of
    the layer before, so they are 5x5x6: 16 x (150 + 1) = 2,416 parameters."""
    layers = [
        conv(6, 5),
        pool(2, 2),
        conv(16, 5),
        pool(2, 2),
        {"type": "flatten"},
        {"type": "fc", "units": 120},
        {"type": "fc", "units": 84},
        {"type": "fc", "units": 10},
    ]
    expected = [
        {"type": "conv", "output_shape": (6, 28, 28), "params": 456},
        {"type": "pool", "output_shape": (6, 14, 14), "params": 0},
        {"type": "conv", "output_shape": (16, 10, 10), "params": 2_416},
        {"type": "pool", "output_shape": (16, 5, 5), "params": 0},
        {"type": "flatten", "output_shape": (400,), "params": 0},
        {"type": "fc", "output_shape": (120,), "params": 48_120},
        {"type": "fc", "output_shape": (84,), "params": 10_164},
        {"type": "fc", "output_shape": (10,), "params": 850},
    ]
    assert_close(submission.summarize((3, 32, 32), layers), expected, what=message("LeNet table", "LeNet 表"))


@pytest.mark.points(3)
@pytest.mark.function("summarize")
def test_simple_network_chain(submission):
    """000 §1.7: 39x39x3 -> 10 filters 3x3 -> 37x37x10 -> 20 filters 5x5, s=2 -> 17x17x20
    -> 40 filters 5x5, s=2 -> 7x7x40 = 1960 features."""
    layers = [conv(10, 3), conv(20, 5, stride=2), conv(40, 5, stride=2), {"type": "flatten"}]
    expected = [
        {"type": "conv", "output_shape": (10, 37, 37), "params": 280},
        {"type": "conv", "output_shape": (20, 17, 17), "params": 5_020},
        {"type": "conv", "output_shape": (40, 7, 7), "params": 20_040},
        {"type": "flatten", "output_shape": (1960,), "params": 0},
    ]
    assert_close(
        submission.summarize((3, 39, 39), layers), expected, what=message("39x39x3 network", "39x39x3 网络")
    )


@pytest.mark.points(2)
@pytest.mark.function("summarize")
def test_cs231n_layer_examples(submission):
    """003: the demo (5x5x3, K=2, F=3, S=2, P=1) gives 3x3x2 with 2 x 28 = 56 parameters;
    10 filters 5x5, pad 2, keep 32x32 with 760; 2x2 pooling takes 224x224x64 to 112x112x64."""
    assert_close(
        submission.summarize((3, 5, 5), [conv(2, 3, stride=2, pad=1)]),
        [{"type": "conv", "output_shape": (2, 3, 3), "params": 56}],
        what=message("demo", "演示"),
    )
    assert_close(
        submission.summarize((3, 32, 32), [conv(10, 5, pad=2)]),
        [{"type": "conv", "output_shape": (10, 32, 32), "params": 760}],
        what=message("32x32x3 with 10 filters 5x5", "32x32x3，10 个 5x5 过滤器"),
    )
    assert_close(
        submission.summarize((64, 224, 224), [pool(2, 2)]),
        [{"type": "pool", "output_shape": (64, 112, 112), "params": 0}],
        what=message("pooling 224x224x64", "池化 224x224x64"),
    )


@pytest.mark.points(1)
@pytest.mark.function("summarize")
def test_unknown_layer_type_raises(submission):
    """A layer type other than conv, pool, flatten or fc is a ValueError; flattening the same
    1x8x8 input gives 64 values, and leaves the caller's list of layers as it was."""
    with expect_raises(ValueError, message('a layer of type "dropout"', '"dropout" 类型的层')):
        submission.summarize((1, 8, 8), [{"type": "dropout"}])
    rows, changed = call_watching_inputs(submission, "summarize", (1, 8, 8), [{"type": "flatten"}])
    assert_close(rows, [{"type": "flatten", "output_shape": (64,), "params": 0}], what="flatten")
    expect(
        not changed,
        "summarize changed the list of layers it was given (popped or rewrote a key): the caller "
        "keeps using it; read the layers without modifying them",
        "summarize 修改了传入的层列表（删除或改写了某个键）：调用者之后还要用它；请只读取，不要修改",
    )


@pytest.mark.points(1)
@pytest.mark.function("fc_params")
def test_one_fully_connected_neuron(submission):
    """003 §2.2: one fully connected neuron on a 32x32x3 CIFAR-10 image has 32x32x3 = 3,072
    weights, and on a 200x200x3 image 120,000; with its bias (the default), 3,073."""
    assert_close(
        submission.fc_params(32 * 32 * 3, 1, bias=False),
        3_072,
        what=message("32x32x3, weights only", "32x32x3，只算权重"),
    )
    assert_close(
        submission.fc_params(200 * 200 * 3, 1, bias=False),
        120_000,
        what=message("200x200x3, weights only", "200x200x3，只算权重"),
    )
    assert_close(
        submission.fc_params(32 * 32 * 3, 1), 3_073, what=message("32x32x3, with the bias", "32x32x3，含偏置")
    )


@pytest.mark.points(2)
@pytest.mark.function("summarize")
def test_fully_connected_straight_after_a_volume(submission):
    """A fully connected layer right after a (C, H, W) layer sees all C*H*W numbers, as in the
    notes, which flatten nowhere: 003 §3, CIFAR-10: [32x32x3] -> 12 filters -> [32x32x12] -> pool
    -> [16x16x12] -> FC -> 10 scores, so 10 x (16x16x12 + 1) = 30,730 (the notes give no filter
    size; 3x3 with pad 1 keeps 32x32, with 12 x 28 = 336 parameters). 003 §4.4: an FC layer of 4096
    on 7x7x512 has 102,764,544. 003 §2.2: one neuron on the 32x32x3 input has 3,072 weights + 1."""
    cifar = [conv(12, 3, pad=1), pool(2, 2), {"type": "fc", "units": 10}]
    expected = [
        {"type": "conv", "output_shape": (12, 32, 32), "params": 336},
        {"type": "pool", "output_shape": (12, 16, 16), "params": 0},
        {"type": "fc", "output_shape": (10,), "params": 30_730},
    ]
    assert_close(
        submission.summarize((3, 32, 32), cifar), expected, what=message("CIFAR-10 network", "CIFAR-10 网络")
    )
    assert_close(
        submission.summarize((512, 7, 7), [{"type": "fc", "units": 4096}]),
        [{"type": "fc", "output_shape": (4096,), "params": 102_764_544}],
        what=message("FC on 7x7x512", "7x7x512 上的全连接层"),
    )
    assert_close(
        submission.summarize((3, 32, 32), [{"type": "fc", "units": 1}]),
        [{"type": "fc", "output_shape": (1,), "params": 3_073}],
        what=message("one neuron on 32x32x3", "32x32x3 上的一个神经元"),
    )


@pytest.mark.points(1)
@pytest.mark.function("summarize")
def test_alexnet_pools_224_down_to_7(submission):
    """003 §4.4: five pooling layers, each halving the size, take 224 to 7 (224/2/2/2/2/2 = 7);
    the depth stays, and pooling has no parameters."""
    sizes = [112, 56, 28, 14, 7]
    expected = [{"type": "pool", "output_shape": (64, n, n), "params": 0} for n in sizes]
    assert_close(
        submission.summarize((64, 224, 224), [pool(2, 2)] * 5),
        expected,
        what=message("five pools", "五次池化"),
    )


@pytest.mark.points(1)
@pytest.mark.function("summarize")
def test_stacked_three_by_three_layers(submission):
    """003 §5.1: stacked 3x3 convolutions take 32 to 30 to 28 (32-30-28), and a third to 26; with
    3 filters on 3 channels each layer has 3 x (27 + 1) = 84 parameters."""
    expected = [{"type": "conv", "output_shape": (3, n, n), "params": 84} for n in (30, 28, 26)]
    assert_close(
        submission.summarize((3, 32, 32), [conv(3, 3)] * 3),
        expected,
        what=message("three 3x3 layers", "三个 3x3 卷积层"),
    )


@pytest.mark.points(1)
@pytest.mark.function("summarize")
def test_image_as_a_feature_vector(submission):
    """000 §1.1: a 64x64x3 image is 64x64x3 = 12,288 inputs, and a 1000x1000x3 one 3 million."""
    flatten = [{"type": "flatten"}]
    small = [{"type": "flatten", "output_shape": (12_288,), "params": 0}]
    large = [{"type": "flatten", "output_shape": (3_000_000,), "params": 0}]
    assert_close(submission.summarize((3, 64, 64), flatten), small, what="64x64x3")
    assert_close(submission.summarize((3, 1000, 1000), flatten), large, what="1000x1000x3")


@pytest.mark.points(2)
@pytest.mark.function("summarize")
def test_summarize_defaults(submission):
    """As documented, a convolution without stride and pad has stride 1 and pad 0, and a pooling
    layer without stride moves by its size: (2, 13, 10) -> 4 filters 3x3 -> (4, 11, 8) with
    4 x (18 + 1) = 76 -> pool 3 (stride 3) -> (4, 3, 2), floor(8/3) + 1 and floor(5/3) + 1 ->
    fc 5 on 24 inputs: 5 x 25 = 125."""
    layers = [
        {"type": "conv", "filters": 4, "size": 3},
        {"type": "pool", "size": 3},
        {"type": "fc", "units": 5},
    ]
    expected = [
        {"type": "conv", "output_shape": (4, 11, 8), "params": 76},
        {"type": "pool", "output_shape": (4, 3, 2), "params": 0},
        {"type": "fc", "output_shape": (5,), "params": 125},
    ]
    assert_close(
        submission.summarize((2, 13, 10), layers),
        expected,
        what=message("layers with defaults", "使用默认参数的层"),
    )


@pytest.mark.points(1)
@pytest.mark.function("summarize")
def test_summarize_rectangular_uneven_strides(submission):
    """Height and width apart, and strides that do not divide: (3, 15, 10) -> 6 filters 5x5,
    stride 2, pad 1 -> (6, 7, 4), floor(12/2) + 1 and floor(7/2) + 1, with 6 x 76 = 456 ->
    pool 2, stride 2 -> (6, 3, 2) -> flatten 36 -> fc 7: 7 x 37 = 259."""
    layers = [conv(6, 5, stride=2, pad=1), pool(2, 2), {"type": "flatten"}, {"type": "fc", "units": 7}]
    expected = [
        {"type": "conv", "output_shape": (6, 7, 4), "params": 456},
        {"type": "pool", "output_shape": (6, 3, 2), "params": 0},
        {"type": "flatten", "output_shape": (36,), "params": 0},
        {"type": "fc", "output_shape": (7,), "params": 259},
    ]
    assert_close(
        submission.summarize((3, 15, 10), layers), expected, what=message("15x10 network", "15x10 网络")
    )
