"""Strings of the playground page (keys "pg.*")."""

EN = {
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
    # Playground: the draggable logit bars
    "pg.input": "Set the logits with",
    "pg.input.drag": "Drag bars",
    "pg.input.sliders": "Sliders",
    "pg.drag.help": "Drag a bar up or down (or focus it and use the arrow keys, Page Up/Down, Home/End): the probabilities follow as you drag; the page recomputes when you let go.",
    "pg.drag.group": "Logits and softmax, drag a logit bar to change it",
    "pg.drag.logits": "Logits z, drag a bar",
    "pg.drag.probs": "Softmax p and target y (—)",
    "pg.drag.gradient": "dL/dz",
    "pg.drag.value_text": "{z}, probability {p}",
    "pg.drag.help_live": "Drag a logit bar, a target bar (soft labels) or the true class, the temperature or the smoothing (or focus one and use the arrow keys, Page Up/Down, Home/End): every number below follows as you drag; the page recomputes when you let go.",
    "pg.drag.target": "Target y",
    "pg.drag.target_label": "Target y{index}",
    "pg.drag.class_label": "Class {index} is the true class",
    "pg.drag.loss_terms": "L = logsumexp(z/T) − Σ y·z/T = {lse} − {target} = {loss}",
    "pg.drag.kl_line": "H(y) = {entropy}    KL(y‖p) = L − H(y) = {kl}",
}

ZH = {
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
    "pg.input": "设定 logits 的方式",
    "pg.input.drag": "拖动柱条",
    "pg.input.sliders": "滑块",
    "pg.drag.help": "上下拖动柱条(或聚焦后用方向键、Page Up/Down、Home/End):拖动时概率随之变化;松开后页面重新计算。",
    "pg.drag.group": "Logits 与 softmax,拖动 logit 柱条来改变它",
    "pg.drag.logits": "Logits z,拖动柱条",
    "pg.drag.probs": "Softmax 概率 p 与目标 y(—)",
    "pg.drag.gradient": "dL/dz",
    "pg.drag.value_text": "{z},概率 {p}",
    "pg.drag.help_live": "拖动 logit 柱条、目标柱条(软标签)或真实类别、温度或标签平滑(或聚焦后用方向键、Page Up/Down、Home/End):拖动时下面每个数都随之变化;松开后页面重新计算。",
    "pg.drag.target": "目标 y",
    "pg.drag.target_label": "目标 y{index}",
    "pg.drag.class_label": "类别 {index} 是真实类别",
    "pg.drag.loss_terms": "L = logsumexp(z/T) − Σ y·z/T = {lse} − {target} = {loss}",
    "pg.drag.kl_line": "H(y) = {entropy}    KL(y‖p) = L − H(y) = {kl}",
}
