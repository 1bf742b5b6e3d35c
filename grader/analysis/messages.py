"""Every sentence the structural analysis writes, in English and Chinese (zh-CN).

`SENTENCES` has one entry per finding kind; `PLACES` has the pieces that say where the
differences are. Both map a key to `{"en": ..., "zh-CN": ...}` with `str.format` placeholders.
The Chinese is written as an instructor of the course would, with the lecture notes' terms
(零填充, 步长, 偏置, 卷积核, 池化, 通道); code stays in backticks. Placeholders never carry the
expected values, only shapes, axes, indices and simple factors.
"""

from __future__ import annotations

from typing import Any

from grader.analysis.call_messages import CALL_SENTENCES

LANGUAGES = ("en", "zh-CN")

SENTENCES: dict[str, dict[str, str]] = {
    # Shapes that differ.
    "reshaped": {
        "en": "The values are right and in the right order, but the shape is {got_shape} "
        "instead of {expected_shape}: reshape the result.",
        "zh-CN": "数值和顺序都正确，但形状是 {got_shape}，应为 {expected_shape}：请用 `reshape` 调整形状。",
    },
    "transposed": {
        "en": "The values are right but the axes are in another order: your array is the expected "
        "one with its axes in the order {order}.",
        "zh-CN": "数值正确，但轴的顺序不对：你的结果相当于把期望结果的轴按 {order} 的顺序转置。",
    },
    "layout": {
        "en": "Your array holds the expected values laid out in another order ({layout}): "
        "a reshape where a transpose was needed, or the other way round?",
        "zh-CN": "你的结果包含期望的数值，但排列方式不同（{layout}）：是不是该用 `transpose` 的地方用了 "
        "`reshape`，或者反过来？",
    },
    "factors_reordered": {
        "en": "Your array holds the right values, but along its {axis} the flattened index runs "
        "over {got} where {expected} is expected: a reshape, transpose or nested loops in another "
        "order of the axes?",
        "zh-CN": "你的结果数值正确，但沿{axis}展平的下标顺序是 {got}，应为 {expected}："
        "是不是 `reshape`、`transpose` 或嵌套循环的轴顺序不对？",
    },
    "reordered": {
        "en": "Your array holds the same values as the expected one, in another order.",
        "zh-CN": "你的结果与期望结果包含相同的数值，但顺序不同。",
    },
    "axis_missing": {
        "en": "Axis {axis} (of size 1) is missing and the values are otherwise right: keep the batch "
        "or channel axis.",
        "zh-CN": "缺少第 {axis} 轴（大小为 1），其余数值都正确：请保留批量轴或通道轴。",
    },
    "axis_extra": {
        "en": "Your array has an extra axis {axis} of size {size} and the values are otherwise right.",
        "zh-CN": "你的结果多了第 {axis} 轴（大小为 {size}），其余数值都正确。",
    },
    "first_only": {
        "en": "Your array is only the first entry along axis {axis} of the expected one: "
        "loop over every index of that axis (every sample?), not just the first.",
        "zh-CN": "你的结果只是期望结果沿第 {axis} 轴的第一个元素：请遍历这个轴上的每一个下标"
        "（每一个样本？），而不只是第一个。",
    },
    "axis_summed": {
        "en": "Your array is the expected one summed over axis {axis}: that axis should be kept.",
        "zh-CN": "你的结果相当于期望结果沿第 {axis} 轴求和：这个轴应该保留。",
    },
    "axis_averaged": {
        "en": "Your array is the expected one averaged over axis {axis}: that axis should be kept.",
        "zh-CN": "你的结果相当于期望结果沿第 {axis} 轴求平均：这个轴应该保留。",
    },
    "axis_not_summed": {
        "en": "Summing your array over axis {axis} gives the expected one: a sum is missing "
        "(over the channels, or over the batch?).",
        "zh-CN": "把你的结果沿第 {axis} 轴求和就得到期望结果：漏了一次求和（对通道求和，还是对批量求和？）。",
    },
    "axis_not_averaged": {
        "en": "Averaging your array over axis {axis} gives the expected one: a mean over that axis "
        "is missing.",
        "zh-CN": "把你的结果沿第 {axis} 轴求平均就得到期望结果：漏了对这个轴求平均。",
    },
    "padding_missing": {
        "en": "Your output is the interior of the expected one, {pad} smaller on each side along "
        "{axes}: the zero padding is missing.",
        "zh-CN": "你的输出只是期望输出的内部，沿{axes}每一侧少了 {pad} 个：缺少零填充。",
    },
    "padding_extra": {
        "en": "Your output has {pad} extra on each side along {axes} around the right values: "
        "zero padding added twice or on the wrong axes, or the padded array returned?",
        "zh-CN": "你的输出沿{axes}每一侧多了 {pad} 个，中间是正确的数值：零填充做了两次、"
        "加在了不该加的轴上，还是返回了填充后的数组？",
    },
    "floor_ceil_extra": {
        "en": "Your output has one row or column too many at the end and is otherwise right: "
        "the output size rounds up (ceil) where it should round down (floor).",
        "zh-CN": "你的输出在末尾多了一行或一列，其余都正确：输出尺寸应该向下取整，你却向上取整了。",
    },
    "floor_ceil_missing": {
        "en": "Your output lacks the last row or column and is otherwise right: the output size "
        "rounds down (floor) where it should round up (ceil), or a loop stops one step early.",
        "zh-CN": "你的输出缺少最后一行或一列，其余都正确：输出尺寸应该向上取整，你却向下取整了，"
        "或者循环少走了一步。",
    },
    "cropped": {
        "en": "Your output is a part of the expected one, with rows or columns missing at one side: "
        "zero padding on one side only, or a loop bound off?",
        "zh-CN": "你的输出只是期望输出的一部分，某一侧缺了几行或几列：零填充只加在了一侧，还是循环边界不对？",
    },
    "extended": {
        "en": "Your output contains the expected one plus extra rows or columns at one side: "
        "zero padding on one side only, or a loop bound off?",
        "zh-CN": "你的输出包含期望输出，但某一侧多了几行或几列：零填充只加在了一侧，还是循环边界不对？",
    },
    "stride_missing": {
        "en": "Keeping one entry in {stride} along {axes} of your output gives the expected output: "
        "the stride is missing (the windows move one step at a time).",
        "zh-CN": "把你的输出沿{axes}每 {stride} 个取一个，就正好是期望输出："
        "漏了步长（窗口每次只移动了一格）。",
    },
    "off_by_one": {
        "en": "The shape is {got_shape} instead of {expected_shape}, off by one: check the output-size "
        "formula (padding, stride, the + 1, floor against ceil) or a loop bound.",
        "zh-CN": "形状是 {got_shape}，应为 {expected_shape}，差了 1：检查输出尺寸公式（零填充、步长、"
        "是否 + 1、向下取整还是向上取整）或循环边界。",
    },
    "size_by_padding": {
        "en": "The shape is {got_shape} instead of {expected_shape}, off by an even number: check the "
        "zero padding (on both sides, once) and the stride in the output-size formula.",
        "zh-CN": "形状是 {got_shape}，应为 {expected_shape}，差了一个偶数：检查输出尺寸公式里的零填充"
        "（两侧都要算，而且只算一次）和步长。",
    },
    "empty_axes": {
        "en": "Your array is empty ({got_shape} where {expected_shape} is expected): a slice that "
        "ends where it starts, as x[p:-p] does when p is 0 (-0 is 0, so the slice is x[0:0])?",
        "zh-CN": "你的结果是空数组（形状 {got_shape}，应为 {expected_shape}）：是不是切片的终点没有落在"
        "起点之后？例如 `p` 为 0 时 `x[p:-p]` 就是 `x[0:0]`，是空的（-0 就是 0）。",
    },
    "outer_broadcast": {
        "en": "Your array has the shape {got_shape} where {expected_shape} is expected, and its "
        "diagonal holds the expected values: an `(N,)` array met an `(N, 1)` one (labels or a column "
        "against a row), and broadcasting made every pair; give both the same shape "
        "(y.reshape(-1), or keepdims on the other side).",
        "zh-CN": "你的结果形状是 {got_shape}，应为 {expected_shape}，而它的对角线正好是期望值："
        "一个 `(N,)` 数组和一个 `(N, 1)` 数组（标签，或一列对一行）相遇，广播把每一对都算了一遍；"
        "请让两者形状相同（`y.reshape(-1)`，或另一边用 `keepdims`）。",
    },
    "shape_differs": {
        "en": "The shape is {got_shape} where {expected_shape} is expected.",
        "zh-CN": "形状是 {got_shape}，应为 {expected_shape}。",
    },
    # Values that differ, same shape.
    "nonfinite": {
        "en": "Your array has NaN or inf where the expected values are finite: a division by zero, "
        "or an overflow (subtract the maximum before exp)?",
        "zh-CN": "你的结果在期望为有限值的位置出现了 `NaN` 或 `inf`：是除以零，还是数值溢出"
        "（求 `exp` 之前先减去最大值）？",
    },
    "all_zero": {
        "en": "Your array is all zeros where the expected one is not: is the result computed and "
        "written into the array you return?",
        "zh-CN": "你的结果全为零，而期望结果不是：结果是否算出来并写进了返回的数组？",
    },
    "truncated": {
        "en": "Your values are the expected ones cut to whole numbers: an integer array "
        "or an integer division (//) somewhere?",
        "zh-CN": "你的数值是期望值截成整数后的结果：是不是用了整数数组，或者整数除法（`//`）？",
    },
    "integer_dtype": {
        "en": "Your array has an integer dtype ({dtype}) but the expected values have fractions: "
        "create the output as a float array.",
        "zh-CN": "你的数组是整数类型（`{dtype}`），而期望值带小数：请把输出数组建成浮点类型。",
    },
    "offset": {
        "en": "Every value is off by the same constant: a bias added twice, or missing?",
        "zh-CN": "每个值都差了同一个常数：偏置加了两次，还是漏加了？",
    },
    "channel_offset": {
        "en": "The values are off by a constant per {axis}: a bias added twice, missing, or taken "
        "from the wrong filter (each output channel f gets its filter's bias `b[f]`, whatever the image)?",
        "zh-CN": "每个{axis}上的值都差了一个常数：偏置加了两次、漏加了，还是用了别的卷积核的偏置"
        "（每个输出通道 `f` 加的是它自己那个卷积核的偏置 `b[f]`，与第几张图像无关）？",
    },
    "offset_or_scale": {
        "en": "Every value is off by the same constant, and is the expected one times {factor}: a "
        "factor missing or applied twice (dividing by N, the window area, 2 or the stride squared; a "
        "sum where a mean is needed), or a bias added twice or missing?",
        "zh-CN": "每个值都差了同一个常数，也都是期望值的 {factor} 倍：是不是漏了或多做了一次除法"
        "（除以 `N`、窗口面积、2 或步长的平方），或者偏置加了两次、漏加了？",
    },
    "number_scale": {
        "en": "Your number is the expected one times {factor}: a factor missing or applied twice "
        "(a sum where a mean is needed, dividing by N, the window area, 2 or the stride squared)?",
        "zh-CN": "你的结果是期望值的 {factor} 倍：是不是漏了或多做了一次除法"
        "（该求平均的地方求了和：除以 `N`、窗口面积、2 或步长的平方）？",
    },
    "number_one_more": {
        "en": "Your number is one more than expected: a division rounded up where it should round "
        "down (ceil against floor, as when the stride does not divide the size), or a + 1 too many?",
        "zh-CN": "你的结果比期望值多 1：是不是该向下取整的除法向上取整了（例如步长不能整除尺寸时），"
        "或者多加了一个 + 1？",
    },
    "number_one_less": {
        "en": "Your number is one less than expected: a division rounded down where it should round "
        "up (floor against ceil, as when the stride does not divide the size), or a + 1 missing?",
        "zh-CN": "你的结果比期望值少 1：是不是该向上取整的除法向下取整了（例如步长不能整除尺寸时），"
        "或者漏了一个 + 1？",
    },
    "number_sign": {
        "en": "Your number has the wrong sign: a minus sign too many or too few?",
        "zh-CN": "你的结果符号反了：多了或少了一个负号？",
    },
    "number_truncated": {
        "en": "Your number is the expected one cut to a whole number: an integer division (//) or "
        "int() where the fraction matters?",
        "zh-CN": "你的结果是期望值截成整数后的结果：是不是用了整数除法（`//`）或 `int()`，丢掉了小数部分？",
    },
    "broadcast_from_the_right": {
        "en": "NumPy broadcasting lines shapes up from the right: {small} meets the last axis of {big} "
        "(of size {last}), not axis {axis} (of size {size}); reshape it to {suggested} to add it "
        "along axis {axis}.",
        "zh-CN": "`NumPy` 广播时从右往左对齐形状：{small} 对上的是 {big} 的最后一个轴（大小 {last}），"
        "而不是第 {axis} 轴（大小 {size}）；要沿第 {axis} 轴相加，请先 `reshape` 成 {suggested}。",
    },
    "broadcast_one_axis": {
        "en": "The shapes {first} and {second} differ only in axis {axis} ({a} against {b}): a slice "
        "there is too short or too long, as when a window runs past the edge of the input (an output "
        "size too large, or padding missing or counted twice)?",
        "zh-CN": "形状 {first} 和 {second} 只在第 {axis} 轴上不同（{a} 对 {b}）：那里的切片太短或太长，"
        "就像窗口越过了输入的边缘（输出尺寸算大了，或者零填充漏了、算了两次）？",
    },
    "reshape_size": {
        "en": "An array of {size} values cannot take the shape {shape} ({needed} values): one of the "
        "sizes used to build that shape is wrong, often an output size computed with the wrong "
        "padding or stride (the ratio is {ratio}).",
        "zh-CN": "{size} 个值的数组不能变成形状 {shape}（需要 {needed} 个值）：构造这个形状的某个尺寸算错了，"
        "常见的是用错了零填充或步长算出的输出尺寸（两者之比为 {ratio}）。",
    },
    "sign": {
        "en": "Every value has the wrong sign: a minus sign too many or too few?",
        "zh-CN": "每个值的符号都反了：多了或少了一个负号？",
    },
    "scale": {
        "en": "Every value is the expected one times {factor}: a factor missing or applied twice "
        "(dividing by N, the window area, 2 or the stride squared; a sum where a mean is needed)?",
        "zh-CN": "每个值都是期望值的 {factor} 倍：是不是漏了或多做了一次除法"
        "（除以 `N`、窗口面积、2 或步长的平方）？",
    },
    "channel_scale": {
        "en": "The values are scaled by a different constant per {axis}: a normalisation per "
        "channel missing or done twice?",
        "zh-CN": "每个{axis}上的值都乘了一个不同的常数：是不是漏了或多做了一次按通道的归一化？",
    },
    "input_term": {
        "en": "Your values differ from the expected ones by a multiple of {name}: a term in {name} "
        "(a regularisation such as reg * W, a weight decay) added where it does not belong, or "
        "missing where it does?",
        "zh-CN": "你的数值与期望值正好相差 {name} 的某个倍数：是不是把含 {name} 的一项（例如正则化项 "
        "`reg * W`、权重衰减）加在了不该加的地方，或者在该加的地方漏了？",
    },
    "ties": {
        "en": "The values differ only where the input has ties: with several equal maxima, take the "
        "first one in row-major window order (as np.argmax does).",
        "zh-CN": "只有在输入中出现相等值（多个并列最大值）的位置不同："
        "有多个最大值时，应按窗口内逐行的顺序取第一个（与 `np.argmax` 一致）。",
    },
    "at_zero": {
        "en": "The values differ only where the expected value is 0: values are written where the "
        "result should stay 0; check the condition or mask (x > 0 against x >= 0, as in the ReLU "
        "gradient at exactly 0).",
        "zh-CN": "只有在期望值为 0 的位置不同：本该保持为 0 的位置被写入了值；检查条件或掩码"
        "（`x > 0` 还是 `x >= 0`，例如 `ReLU` 在恰好为 0 处的梯度）。",
    },
    "flipped": {
        "en": "Your array is the expected one reversed along {axes}: a flipped kernel or window, "
        "or an index running backwards?",
        "zh-CN": "你的结果相当于把期望结果沿{axes}翻转：卷积核或窗口被翻转了，还是下标方向反了？",
    },
    "rotated": {
        "en": "Your array is the expected one rotated by {angle} degrees in its last two axes: "
        "a rotated kernel or window?",
        "zh-CN": "你的结果相当于把期望结果在最后两个轴上旋转了 {angle} 度：卷积核或窗口被旋转了？",
    },
    "short_loop": {
        "en": "The last {count} index(es) along {axes} are zeros and everything else is right: a loop "
        "one window short (a range that stops one too early, such as range(H_out - 1))?",
        "zh-CN": "沿{axes}的最后 {count} 个位置是零，其余都正确：循环少算了一个窗口"
        "（`range` 提前一个结束，比如 `range(H_out - 1)`）？",
    },
    "stride_ignored": {
        "en": "Your windows move by 1 instead of by the stride {stride}: your output at "
        "({stride}*i, {stride}*j) is the expected output at (i, j); start each window at stride * i, "
        "not at i.",
        "zh-CN": "你的窗口每次只移动 1，而不是步长 {stride}：你的输出在 `({stride}*i, {stride}*j)` 处的值"
        "正好是期望输出在 `(i, j)` 处的值；每个窗口应从 `stride * i` 开始，而不是从 `i` 开始。",
    },
    "overlaps_lost": {
        "en": "The differences fill whole lines along {axes} and nothing else, where neighbouring "
        "windows overlap: there contributions must add up (`+=`); an assignment (`=`), or NumPy's "
        "fancy-index `+=` with repeated indices, keeps only one of them?",
        "zh-CN": "差异正好占满沿{axes}的若干整行整列，也就是相邻窗口重叠的地方：那里的贡献必须累加"
        "（`+=`）；是不是用了赋值（`=`），或者对重复下标用了花式索引的 `+=`，只保留了其中一个？",
    },
    # Counts fitted as formulas of the call's arguments (grader.analysis.formulas).
    "formula_factor_missing": {
        "en": "Your count has no factor {product}{gloss}.",
        "zh-CN": "你的计数漏乘了 {product}{gloss}。",
    },
    "formula_factor_extra": {
        "en": "Your count multiplies by {product}{gloss} once too often: one per {product} too many?",
        "zh-CN": "你的计数多乘了 {product}{gloss}：是不是按每个 {product} 多算了一份？",
    },
    "formula_factor_replaced": {
        "en": "Your count has {wrong} where {right} belongs{gloss}: one per {wrong} instead of one "
        "per {right}?",
        "zh-CN": "你的计数在该用 {right} 的地方用了 {wrong}{gloss}："
        "是按每个 {wrong} 算的，而不是按每个 {right}？",
    },
    "formula_term_replaced": {
        "en": "Your count has the term {wrong} where {right} belongs{gloss}: one per {wrong} instead "
        "of one per {right}?",
        "zh-CN": "你的计数在该是 {right} 的地方算成了 {wrong}{gloss}："
        "是按每个 {wrong} 算的，而不是按每个 {right}？",
    },
    "formula_term_missing": {
        "en": "Your count lacks the term {term}{gloss}.",
        "zh-CN": "你的计数漏了 {term} 这一项{gloss}。",
    },
    "formula_term_extra": {
        "en": "Your count has a term {term}{gloss} too many.",
        "zh-CN": "你的计数多了 {term} 这一项{gloss}。",
    },
    "formula_flag_ignored": {
        "en": "Your count ignores the flag {flag}{gloss}: a term must count only when {flag} is true, "
        "not also when it is false.",
        "zh-CN": "你的计数忽略了开关参数 {flag}{gloss}：有一项只有在 {flag} 为真时才该算，为假时不该算。",
    },
    "argument_ignored": {
        "en": "Your answer is the one the right code gives with {name} = {value}: is {name} "
        "ignored (never read, overwritten, or a constant in its place)?",
        "zh-CN": "你的结果正好是正确代码在 {name} = {value} 时的结果：是不是忽略了 {name}"
        "（没有读取它、把它覆盖了，或者用常数代替了它）？",
    },
    "argument_halved": {
        "en": "Your answer is the one the right code gives with {name} halved: is {name} counted "
        "once where it counts twice (on both sides, 2 * {name})?",
        "zh-CN": "你的结果正好是正确代码在 {name} 减半时的结果：是不是 {name} 只算了一次（一侧），"
        "而它应该算两次（两侧，`2 *` {name}）？",
    },
    "argument_doubled": {
        "en": "Your answer is the one the right code gives with {name} doubled: is {name} counted "
        "twice (on both sides, or added twice) where once is due?",
        "zh-CN": "你的结果正好是正确代码在 {name} 加倍时的结果：是不是 {name} 算了两次（两侧都算，"
        "或者加了两次），而它只该算一次？",
    },
    "formula_fit": {
        "en": " Your numbers fit {got_formula}, the expected ones {expected_formula}.",
        "zh-CN": "你的数值符合 {got_formula}，期望值符合 {expected_formula}。",
    },
    "border": {
        "en": "Only the border differs and the interior is right: look at the zero padding and at "
        "the first and last windows.",
        "zh-CN": "只有边界上的值不同，内部都正确：检查零填充，以及第一个和最后一个窗口。",
    },
    "shift": {
        "en": "Your array is the expected one shifted along {axes}: zero padding on one side only, "
        "or a window start off by a step?",
        "zh-CN": "你的结果相当于把期望结果沿{axes}平移了：零填充只加在了一侧，还是窗口起点偏了一步？",
    },
    "values_differ": {
        "en": "The values differ, with no simple pattern (an offset, a scale, a flip, a shift or "
        "another order) that explains it.",
        "zh-CN": "数值不同，而且找不到能解释差异的简单规律（常数偏移、比例、翻转、平移或顺序不同）。",
    },
}

SENTENCES.update(CALL_SENTENCES)  # the findings that read the call (grader.analysis.call_messages)

PLACES: dict[str, dict[str, str]] = {
    "everywhere": {"en": "everywhere", "zh-CN": "所有位置"},
    "count": {"en": "{count} of {total} values", "zh-CN": "{total} 个值中的 {count} 个"},
    "at": {"en": "at index {index}", "zh-CN": "位置 {index}"},
    "indices": {"en": "{axis} index {indices}", "zh-CN": "{axis}下标 {indices}"},
    "border": {"en": "on the border only", "zh-CN": "仅在边界"},
    "interior": {"en": "in the interior only", "zh-CN": "仅在内部"},
    "axis": {"en": "axis {axis}", "zh-CN": "第 {axis} 轴"},
    "named_axis": {"en": "{name} (axis {axis})", "zh-CN": "{name}（第 {axis} 轴）"},
    "name.sample": {"en": "image", "zh-CN": "图像"},
    "name.channel": {"en": "channel", "zh-CN": "通道"},
    "name.row": {"en": "row", "zh-CN": "行"},
    "name.column": {"en": "column", "zh-CN": "列"},
    "order": {"en": "axis order {order}", "zh-CN": "轴顺序 {order}"},
    "layout.transpose_first": {
        "en": "axes in the order {order}, then reshaped",
        "zh-CN": "先按轴顺序 {order} 转置，再 `reshape`",
    },
    "layout.reshape_first": {
        "en": "reshaped to {shape}, then axes in the order {order}",
        "zh-CN": "先 `reshape` 成 {shape}，再按轴顺序 {order} 转置",
    },
    "factors.axis": {"en": "{axis}s of {name}", "zh-CN": "{name} 的{axis}数"},
    "factors.size": {"en": "size {size}", "zh-CN": "大小 {size}"},
    "layout.moved": {"en": "{axes} out of place", "zh-CN": "{axes}的位置不对"},
    "layout.fortran": {"en": "column-major (Fortran) order", "zh-CN": "按列优先（`Fortran`）顺序"},
    "band": {
        "en": "{axis}: {before} at the start, {after} at the end",
        "zh-CN": "{axis}：开头 {before} 个，末尾 {after} 个",
    },
    "shift.up": {
        "en": "{axis}: {amount} towards higher indices",
        "zh-CN": "{axis}：向下标增大的方向移 {amount} 位",
    },
    "shift.down": {
        "en": "{axis}: {amount} towards lower indices",
        "zh-CN": "{axis}：向下标减小的方向移 {amount} 位",
    },
    "side.first": {"en": "{axis}: the first {width}", "zh-CN": "{axis}：前 {width} 个"},
    "side.last": {"en": "{axis}: the last {width}", "zh-CN": "{axis}：后 {width} 个"},
    "ndim": {"en": "{got} axes instead of {expected}", "zh-CN": "{got} 个轴，应为 {expected} 个"},
    "last_two": {"en": "the last two axes", "zh-CN": "最后两个轴"},
    "and": {"en": " and ", "zh-CN": "和"},
    "list": {"en": ", ", "zh-CN": "、"},
    "join": {"en": "; ", "zh-CN": "；"},
}


def say(kind: str, language: str, **values: Any) -> str:
    """The sentence for a finding `kind` in `language`, filled with `values`."""
    return SENTENCES[kind][language].format(**values)


def place(key: str, language: str, **values: Any) -> str:
    """A piece of a location description in `language`, filled with `values`."""
    return PLACES[key][language].format(**values)
