"""Every user-facing string, in English and Simplified Chinese: one table, so a language is a column.

Plain data (no Streamlit), so figure captions and exported files use the same words as the pages.
Placeholders are str.format fields; tests check that both languages have the same keys and fields.
"""

import string

LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"

STRINGS = {
    "en": {
        "app.title": "Cross-Entropy Explorer",
        "app.tagline": "See softmax and cross-entropy move as you change the numbers.",
        "app.language": "Language",
        "app.notice_bad_url": "Some link settings could not be used and were reset to defaults: {items}.",
        "page.playground": "Playground",
        # Playground: controls
        "pg.title": "Softmax & cross-entropy playground",
        "pg.intro": (
            "Set the logits z of a K-class classifier and a target. The page applies softmax, scores the "
            "probabilities against the target with cross-entropy, and shows the gradient that training "
            "would follow."
        ),
        "pg.controls": "Logits and target",
        "pg.num_classes": "Number of classes K",
        "pg.logit": "Logit z{index}",
        "pg.paste": "Paste logits",
        "pg.paste_help": "For example 2, 1, 0.1 or [2.0, 1.0, 0.1] or tensor([2.0, 1.0, 0.1]). Press Enter to apply.",
        "pg.paste_error": "Could not use the pasted logits: {error} The sliders keep their values.",
        "pg.paste_ok": "Applied {count} logits from the paste.",
        "pg.target_kind": "Target",
        "pg.target.class": "True class",
        "pg.target.soft": "Soft labels",
        "pg.target.smoothed": "True class + label smoothing",
        "pg.true_class": "True class",
        "pg.class_name": "class {index}",
        "pg.soft_weight": "Weight of class {index}",
        "pg.soft_help": "Soft labels are these weights divided by their sum, so they always add up to 1.",
        "pg.smoothing": "Label smoothing ε",
        "pg.temperature": "Temperature T",
        "pg.temperature_help": "Softmax of z / T. Below 1 sharpens the probabilities, above 1 flattens them.",
        # Playground: readouts
        "pg.loss": "Cross-entropy loss",
        "pg.entropy": "Entropy of p",
        "pg.uniform": "Uniform guess, log K",
        "pg.floor": "Lowest possible loss, H(y)",
        "pg.formula": "The loss with the current numbers",
        "pg.gradient_minimum": (
            "The gradient is almost zero: p already matches the target, so a gradient step barely moves "
            "the logits."
        ),
        "pg.gradient_story": (
            "A gradient step raises z{rising} most (its probability is below its target) and lowers z{falling} "
            "most (its probability is above its target); the largest entry is {size}."
        ),
        "pg.step_title": "Gradient descent",
        "pg.learning_rate": "Learning rate",
        "pg.steps": "Number of steps N",
        "pg.one_step": "One step",
        "pg.run_steps": "Show the path of N steps",
        "pg.reset": "Reset",
        "pg.random": "Random logits",
        "pg.step_result": "One step with learning rate {lr}: loss {before} → {after}.",
        "pg.path_caption": "Loss and probabilities over {steps} steps of gradient descent with learning rate {lr}.",
        "pg.clipped": "Logits are kept within −10…10, the sliders' range.",
        # Figures
        "fig.class": "class",
        "fig.true_label": "★{index}",
        "fig.logits": "Logits z (★ true class)",
        "fig.logit_value": "logit",
        "fig.probs": "Softmax p and target y (—)",
        "fig.probability": "probability",
        "fig.target": "target y",
        "fig.gradient": "Gradient dL/dz = (p − y) / T",
        "fig.gradient_value": "dL/dz",
        "fig.moves_up": "step ↑",
        "fig.moves_down": "step ↓",
        "fig.step": "step",
        "fig.loss": "loss",
        "fig.path_loss": "Loss over the steps",
        "fig.path_probs": "Probabilities over the steps",
        "alt.logits": "Bar chart of the logits {values}; the true class is {true_class}.",
        "alt.probs": "Bar chart of softmax probabilities {probs} against the target {target}; loss {loss}.",
        "alt.gradient": "Bar chart of the gradient (p − y) / T = {values}.",
        "alt.path": "Line charts of the loss falling from {first} to {last} over {steps} steps.",
        # Check with PyTorch
        "check.title": "Check with PyTorch and Keras",
        "check.open": "Run the real frameworks on these numbers",
        "check.loading": "Importing torch (takes a second or two the first time)…",
        "check.missing": "{library} is not installed here. Add it with: pip install {package}",
        "check.framework": "framework",
        "check.call": "call",
        "check.loss": "loss",
        "check.loss_diff": "|loss − core|",
        "check.grad_diff": "max |grad − core|",
        "check.agree": "Both agree with core to {tolerance}.",
        "check.disagree": "A framework differs from core by more than {tolerance}.",
        "check.snippet": "Reproduce these numbers in PyTorch:",
        # Batch page (keys "bt.*"): added below this line
    },
    "zh": {
        "app.title": "交叉熵探索器",
        "app.tagline": "改动数字,看 softmax 与交叉熵随之变化。",
        "app.language": "语言",
        "app.notice_bad_url": "链接中的部分设置无法使用,已恢复为默认值:{items}。",
        "page.playground": "交互演练",
        "pg.title": "Softmax 与交叉熵演练",
        "pg.intro": (
            "设定一个 K 类分类器的 logits z 和目标。页面对 z 做 softmax,用交叉熵把概率与目标比较,"
            "并给出训练时梯度下降会沿着走的梯度。"
        ),
        "pg.controls": "Logits 与目标",
        "pg.num_classes": "类别数 K",
        "pg.logit": "Logit z{index}",
        "pg.paste": "粘贴 logits",
        "pg.paste_help": "例如 2, 1, 0.1 或 [2.0, 1.0, 0.1] 或 tensor([2.0, 1.0, 0.1])。按回车应用。",
        "pg.paste_error": "无法使用粘贴的 logits:{error} 滑块保持原值。",
        "pg.paste_ok": "已从粘贴内容应用 {count} 个 logits。",
        "pg.target_kind": "目标",
        "pg.target.class": "真实类别",
        "pg.target.soft": "软标签",
        "pg.target.smoothed": "真实类别 + 标签平滑",
        "pg.true_class": "真实类别",
        "pg.class_name": "类别 {index}",
        "pg.soft_weight": "类别 {index} 的权重",
        "pg.soft_help": "软标签等于这些权重除以它们的和,因此总和始终为 1。",
        "pg.smoothing": "标签平滑 ε",
        "pg.temperature": "温度 T",
        "pg.temperature_help": "对 z / T 做 softmax。小于 1 使概率更尖锐,大于 1 使概率更平缓。",
        "pg.loss": "交叉熵损失",
        "pg.entropy": "p 的熵",
        "pg.uniform": "均匀猜测 log K",
        "pg.floor": "可能的最低损失 H(y)",
        "pg.formula": "代入当前数值的损失",
        "pg.gradient_minimum": "梯度几乎为零:p 已与目标一致,梯度下降一步几乎不再移动 logits。",
        "pg.gradient_story": (
            "梯度下降一步会让 z{rising} 上升最多(它的概率低于目标),让 z{falling} 下降最多"
            "(它的概率高于目标);梯度最大分量为 {size}。"
        ),
        "pg.step_title": "梯度下降",
        "pg.learning_rate": "学习率",
        "pg.steps": "步数 N",
        "pg.one_step": "走一步",
        "pg.run_steps": "显示 N 步的路径",
        "pg.reset": "重置",
        "pg.random": "随机 logits",
        "pg.step_result": "学习率 {lr} 走一步:损失 {before} → {after}。",
        "pg.path_caption": "学习率 {lr} 下梯度下降 {steps} 步的损失与概率。",
        "pg.clipped": "logits 保持在滑块范围 −10…10 之内。",
        "fig.class": "类别",
        "fig.true_label": "★{index}",
        "fig.logits": "Logits z(★ 真实类别)",
        "fig.logit_value": "logit",
        "fig.probs": "Softmax 概率 p 与目标 y(—)",
        "fig.probability": "概率",
        "fig.target": "目标 y",
        "fig.gradient": "梯度 dL/dz = (p − y) / T",
        "fig.gradient_value": "dL/dz",
        "fig.moves_up": "一步 ↑",
        "fig.moves_down": "一步 ↓",
        "fig.step": "步",
        "fig.loss": "损失",
        "fig.path_loss": "各步的损失",
        "fig.path_probs": "各步的概率",
        "alt.logits": "logits {values} 的柱状图;真实类别为 {true_class}。",
        "alt.probs": "softmax 概率 {probs} 与目标 {target} 的柱状图;损失 {loss}。",
        "alt.gradient": "梯度 (p − y) / T = {values} 的柱状图。",
        "alt.path": "损失在 {steps} 步中从 {first} 降到 {last} 的折线图。",
        "check.title": "用 PyTorch 和 Keras 核对",
        "check.open": "用真实框架计算这些数字",
        "check.loading": "正在导入 torch(首次需要一两秒)…",
        "check.missing": "此处未安装 {library}。安装方法:pip install {package}",
        "check.framework": "框架",
        "check.call": "调用",
        "check.loss": "损失",
        "check.loss_diff": "|损失 − core|",
        "check.grad_diff": "max |梯度 − core|",
        "check.agree": "两者与 core 的差异都在 {tolerance} 以内。",
        "check.disagree": "有框架与 core 的差异超过 {tolerance}。",
        "check.snippet": "在 PyTorch 中复现这些数字:",
        # Batch page (keys "bt.*"): added below this line
    },
}


def normalise_language(code):
    """'zh', 'zh-CN', 'zh_TW' -> 'zh'; anything unknown or empty -> the default language."""
    base = str(code or "").replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def text(lang, key, **values):
    """The string `key` in `lang`, with its placeholders filled from `values`."""
    return STRINGS[normalise_language(lang)][key].format(**values)


def placeholders(template):
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}
