"""Captions of exported figures and screenshots (keys "cap.*"), written from the state's numbers."""

EN = {
    # What the target is, inside a caption
    "cap.target.class": "class {index}",
    "cap.target.smoothed": "class {index} with label smoothing ε = {eps}",
    "cap.target.soft": "soft labels y = {weights}",
    "cap.temperature": " at temperature T = {temperature}",
    # Playground
    "cap.pg.logits": "Logits z = {logits} of a {classes}-class classifier; target: {target}{temperature}.",
    "cap.pg.probs": "Softmax of logits {logits}{temperature}: p = {probs}, loss {loss} for {target}.",
    "cap.pg.gradient": "Gradient (p − y) / T = {gradient} for logits {logits} and {target}{temperature}: a gradient step raises z{rising} most and lowers z{falling} most.",
    "cap.pg.gradient_zero": "Gradient (p − y) / T = {gradient} for logits {logits} and {target}{temperature}: p already matches the target, so a step barely moves the logits.",
    "cap.pg.path_loss": "Gradient descent from logits {logits} ({target}{temperature}), {steps} steps at learning rate {lr}: the loss goes from {first} to {last}.",
    "cap.pg.path_probs": "Gradient descent from logits {logits} ({target}{temperature}), {steps} steps at learning rate {lr}: p goes from {first} to {last}.",
    # Batch
    "cap.bt.batch": "a batch of {rows} rows × {classes} classes, {targets}, reduction='{reduction}'{options}",
    "cap.bt.targets.index": "labels {labels}",
    "cap.bt.targets.onehot": "one-hot targets of labels {labels}",
    "cap.bt.targets.probs": "probability targets",
    "cap.bt.weight": ", class weights {weight}",
    "cap.bt.smoothing": ", label smoothing {eps}",
    "cap.bt.ignored": ", rows left out of the loss: {rows} (ignore_index={ignore})",
    "cap.bt.softmax": "Softmax per row for {batch}: the target probabilities are {marked}, loss {loss}.",
    "cap.bt.softmax_unmarked": "Softmax per row for {batch}: loss {loss}.",
    "cap.bt.target": "Target rows t for {batch}: {rows}.",
    "cap.bt.gradient": "Gradient ∂L/∂z for {batch} (loss {loss}): {rows}; no entry can exceed ±{bound}.",
    # Screenshots
    "cap.screenshot": "The {page} page at {width} px wide. {figure}",
    "cap.screenshot_alt": "Screenshot of the {page} page. {figure}",
}

ZH = {
    "cap.target.class": "类别 {index}",
    "cap.target.smoothed": "类别 {index},标签平滑 ε = {eps}",
    "cap.target.soft": "软标签 y = {weights}",
    "cap.temperature": "(温度 T = {temperature})",
    "cap.pg.logits": "{classes} 类分类器的 logits z = {logits};目标:{target}{temperature}。",
    "cap.pg.probs": "logits {logits}{temperature} 的 softmax:p = {probs},对{target} 的损失为 {loss}。",
    "cap.pg.gradient": "logits {logits}、目标为{target}{temperature} 时的梯度 (p − y) / T = {gradient}:一步梯度下降使 z{rising} 升得最多,z{falling} 降得最多。",
    "cap.pg.gradient_zero": "logits {logits}、目标为{target}{temperature} 时的梯度 (p − y) / T = {gradient}:p 已与目标一致,一步几乎不改变 logits。",
    "cap.pg.path_loss": "从 logits {logits}({target}{temperature})出发,以学习率 {lr} 做 {steps} 步梯度下降:损失从 {first} 降到 {last}。",
    "cap.pg.path_probs": "从 logits {logits}({target}{temperature})出发,以学习率 {lr} 做 {steps} 步梯度下降:p 从 {first} 变为 {last}。",
    "cap.bt.batch": "{rows} 行 × {classes} 类的批量,{targets},reduction='{reduction}'{options}",
    "cap.bt.targets.index": "标签 {labels}",
    "cap.bt.targets.onehot": "标签 {labels} 的 one-hot 目标",
    "cap.bt.targets.probs": "概率目标",
    "cap.bt.weight": ",类别权重 {weight}",
    "cap.bt.smoothing": ",标签平滑 {eps}",
    "cap.bt.ignored": ",不计入损失的行:{rows}(ignore_index={ignore})",
    "cap.bt.softmax": "{batch} 的每行 softmax:目标概率为 {marked},损失 {loss}。",
    "cap.bt.softmax_unmarked": "{batch} 的每行 softmax:损失 {loss}。",
    "cap.bt.target": "{batch} 的目标行 t:{rows}。",
    "cap.bt.gradient": "{batch} 的梯度 ∂L/∂z(损失 {loss}):{rows};任何一项都不超过 ±{bound}。",
    "cap.screenshot": "{page}页面,宽 {width} 像素。{figure}",
    "cap.screenshot_alt": "{page}页面的截图。{figure}",
}
