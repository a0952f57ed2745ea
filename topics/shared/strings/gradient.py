"""Strings of the gradient page (keys "gr.*")."""

EN = {
    "gr.page": "Gradient",
    "gr.title": "Why softmax and cross-entropy fit together",
    "gr.intro": (
        "For logits z, p = softmax(z / T) and target y, the gradient of the cross-entropy is "
        "dL/dz = (p − y) / T. Below: both derivations from the article with your numbers in every line, "
        "the loss landscape of three classes, and why mean squared error on softmax outputs learns "
        "slowly when the model is confidently wrong."
    ),
    "gr.controls": "Logits and target",
    "gr.logit": "Logit z{index}",
    "gr.z0_note": "z0 stays at 0: adding one constant to every logit changes nothing (see the landscape).",
    "gr.true_class": "True class",
    "gr.class_name": "class {index}",
    "gr.temperature": "Temperature T",
    "gr.temperature_help": "Softmax of z / T: the gradient with respect to z is (p − y) / T.",
    "gr.smoothing": "Label smoothing ε",
    "gr.smoothing_help": "Target y = (1 − ε) one-hot + ε / 3, as in nn.CrossEntropyLoss(label_smoothing=ε).",
    "gr.loss": "Cross-entropy loss",
    "gr.download_map": "Download the landscape figure (HTML)",
    "gr.live.group": "The loss landscape: drag the point, or focus it and use the arrow keys",
    "gr.live.title": "Drag the point (true class {true_class}): the arrow is −∇L, the path gradient descent",
    "gr.live.point_label": "The point (z1, z2) on the loss landscape",
    "gr.live.point_text": "z1 {z1}, z2 {z2}, loss {loss}",
    "gr.live.gradient": "dL/dz = (p − y) / T",
    "gr.live.path_end": "Loss after {steps} steps, learning rate {lr}",
    "gr.gradient_entry": "dL/dz{index}",
    # The derivation
    "gr.derivation_title": "Two routes to p − y",
    "gr.route_chain": "Route 1: the chain rule through the softmax Jacobian",
    "gr.route_lse": "Route 2: L = log Σ exp(s) − Σ y·s, then differentiate each part",
    "gr.same_vector": (
        "Both routes end at the same vector, {vector}: the gradient the playground draws for these logits "
        "and this target."
    ),
    "gr.fd_title": "Check by finite differences",
    "gr.fd_help": "Numerical gradient: (L(z + h eᵢ) − L(z − h eᵢ)) / 2h with h = {step}, from the loss alone.",
    "gr.fd.logit": "logit",
    "gr.fd.analytic": "analytic (p − y) / T",
    "gr.fd.numerical": "central difference",
    "gr.fd.diff": "|difference|",
    "gr.fd_max": "Largest difference",
    "gr.fd_ok": "The formula and the numerical gradient agree to better than 1e-6.",
    "gr.fd_bad": "The formula and the numerical gradient differ by more than 1e-6.",
    # The landscape
    "gr.landscape_title": "The loss landscape of three classes",
    "gr.landscape_intro": (
        "The loss over (z1, z2) with z0 = 0. The arrow at the point is −∇L, the way a gradient step moves; "
        "the line of dots is gradient descent from the point. Drag the point (or focus the map and use the "
        "arrow keys, or move the sliders): the arrow, the path and the numbers follow as you drag."
    ),
    "gr.flat_direction": (
        "The flat direction is (1, 1, 1): adding the same constant to every logit leaves softmax and the "
        "loss unchanged (L = {before} at z and {after} at z + 3), so z0 = 0 loses nothing."
    ),
    "gr.learning_rate": "Learning rate",
    "gr.steps": "Number of steps",
    "gr.path_caption": (
        "{steps} steps of gradient descent with learning rate {lr} (z0 held at 0): loss {first} → {last}, "
        "ending at (z1, z2) = ({z1}, {z2})."
    ),
    "gr.path_rises": (
        "With learning rate {lr} the loss rises at step {step}: the step overshoots. A smaller learning "
        "rate makes every step go downhill."
    ),
    "gr.no_minimum": (
        "Without label smoothing there is no minimum: the loss keeps falling as z{c} rises above the "
        "other logits, so the arrows never stop pointing outwards."
    ),
    "gr.minimum": (
        "With ε = {eps} the minimum sits at a finite gap: z{c} − z_k = T · log((1 − ε + ε/3) / (ε/3)) = "
        "{gap} for both other classes, at (z1, z2) = ({z1}, {z2}) (×), where p = y exactly."
    ),
    "gr.minimum_outside": "It lies outside the drawn square.",
    # CE vs MSE
    "gr.sweep_title": "Cross-entropy against mean squared error",
    "gr.sweep_intro": (
        "Both losses on the same softmax outputs and target, as the true-class logit z{c} runs from very "
        "wrong to very right (the other logits stay). Top: the loss. Bottom: −dL/dz{c}, how hard one step "
        "raises the true logit (solid), and the size of the whole gradient ‖dL/dz‖ (dotted)."
    ),
    "gr.sweep_sentence": (
        "Here (z{c} = {z}, p{c} = {p}) a step raises z{c} with a push of {ce} under cross-entropy and {mse} "
        "under MSE. Confidently wrong, at z{c} = {low} (p{c} = {p_low}), cross-entropy still pushes with "
        "{ce_low} while MSE's push has died away to {mse_low}, {ratio} times weaker: MSE's gradient carries "
        "the factor p{c}, which is almost 0 exactly when the model is most wrong (the rest of its gradient, "
        "norm {mse_norm}, only moves probability between the wrong classes)."
    ),
    # The Jacobian
    "gr.jacobian_title": "The softmax Jacobian",
    "gr.jacobian_intro": (
        "J = diag(p) − p pᵀ: entry (k, j) is ∂p_k/∂s_j. Raising s_j raises p_j (positive diagonal, blue) "
        "and lowers every other p_k (negative, red); each row sums to 0."
    ),
    "gr.jacobian_caption": "Multiplying Jᵀ by g = dL/dp = −y / p is the whole chain rule:",
    # Figures
    "gr.fig.landscape": "Loss over (z1, z2), z0 = 0, true class {true_class}",
    "gr.fig.minimum": "minimum (smoothing)",
    "gr.fig.point": "current z",
    "gr.fig.path": "gradient descent",
    "gr.fig.click_hover": "({x}, {y}): click to move ★ here",
    "gr.fig.sweep": "Cross-entropy vs MSE as z{true_class} moves",
    "gr.fig.ce": "cross-entropy",
    "gr.fig.mse": "MSE",
    "gr.fig.loss": "loss",
    "gr.fig.gradient": "−dL/dz_c, ‖dL/dz‖",
    "gr.fig.wrong": "← very wrong",
    "gr.fig.right": "very right →",
    "gr.fig.here": "current z",
    "gr.fig.jacobian": "J = diag(p) − p pᵀ",
    "gr.alt.landscape": (
        "Contour map of the loss over z1 and z2 from −6 to 6, between {low} and {high}; the current point "
        "({z1}, {z2}) has loss {loss}; gradient descent of {steps} steps ends at loss {last}."
    ),
    "gr.alt.sweep": (
        "Line charts of cross-entropy and MSE as z{c} moves from −12 to 12 (now {z}); at z{c} = {low} the "
        "push on the true logit is {ce} for cross-entropy and {mse} for MSE."
    ),
    "gr.alt.jacobian": "Heat map of the 3 by 3 softmax Jacobian; its diagonal is {diagonal}.",
    "gr.cap.jacobian": "The softmax Jacobian J = diag(p) − p pᵀ at p = {probs}: each row and column sums to 0.",
}

ZH = {
    "gr.page": "梯度",
    "gr.title": "为什么 softmax 与交叉熵是天生一对",
    "gr.intro": (
        "对 logits z、p = softmax(z / T) 和目标 y,交叉熵的梯度是 dL/dz = (p − y) / T。"
        "下面:文章中的两种推导,每一行都代入你的数值;三分类的损失地形;"
        "以及为什么在 softmax 输出上用均方误差时,模型自信地犯错时学得很慢。"
    ),
    "gr.controls": "Logits 与目标",
    "gr.logit": "Logit z{index}",
    "gr.z0_note": "z0 固定为 0:给所有 logits 加同一个常数不改变任何结果(见损失地形)。",
    "gr.true_class": "真实类别",
    "gr.class_name": "类别 {index}",
    "gr.temperature": "温度 T",
    "gr.temperature_help": "对 z / T 做 softmax:对 z 的梯度为 (p − y) / T。",
    "gr.smoothing": "标签平滑 ε",
    "gr.smoothing_help": "目标 y = (1 − ε) one-hot + ε / 3,与 nn.CrossEntropyLoss(label_smoothing=ε) 相同。",
    "gr.loss": "交叉熵损失",
    "gr.download_map": "下载损失地形图(HTML)",
    "gr.live.group": "损失地形:拖动圆点,或聚焦后用方向键",
    "gr.live.title": "拖动圆点(真实类别 {true_class}):箭头是 −∇L,折线是梯度下降路径",
    "gr.live.point_label": "损失地形上的点 (z1, z2)",
    "gr.live.point_text": "z1 {z1},z2 {z2},损失 {loss}",
    "gr.live.gradient": "dL/dz = (p − y) / T",
    "gr.live.path_end": "学习率 {lr} 走 {steps} 步后的损失",
    "gr.gradient_entry": "dL/dz{index}",
    "gr.derivation_title": "通往 p − y 的两条路",
    "gr.route_chain": "路线一:经过 softmax 雅可比矩阵的链式法则",
    "gr.route_lse": "路线二:L = log Σ exp(s) − Σ y·s,再分别求导",
    "gr.same_vector": "两条路线得到同一个向量 {vector}:正是交互演练页对这些 logits 和目标画出的梯度。",
    "gr.fd_title": "用有限差分核对",
    "gr.fd_help": "数值梯度:(L(z + h eᵢ) − L(z − h eᵢ)) / 2h,h = {step},只用损失本身计算。",
    "gr.fd.logit": "logit",
    "gr.fd.analytic": "解析式 (p − y) / T",
    "gr.fd.numerical": "中心差分",
    "gr.fd.diff": "|差值|",
    "gr.fd_max": "最大差值",
    "gr.fd_ok": "公式与数值梯度的差异小于 1e-6。",
    "gr.fd_bad": "公式与数值梯度的差异超过 1e-6。",
    "gr.landscape_title": "三分类的损失地形",
    "gr.landscape_intro": (
        "z0 = 0 时损失随 (z1, z2) 的变化。箭头沿 −∇L,即梯度下降一步移动的方向;"
        "点列是从该点出发的梯度下降路径。拖动该点(或聚焦地图后用方向键,或拖动滑块):"
        "箭头、路径和数字随拖动实时变化。"
    ),
    "gr.flat_direction": (
        "平坦方向是 (1, 1, 1):给所有 logits 加同一个常数,softmax 和损失都不变"
        "(z 处 L = {before},z + 3 处 L = {after}),所以固定 z0 = 0 不损失任何信息。"
    ),
    "gr.learning_rate": "学习率",
    "gr.steps": "步数",
    "gr.path_caption": (
        "学习率 {lr} 下梯度下降 {steps} 步(z0 保持为 0):损失 {first} → {last},终点 (z1, z2) = ({z1}, {z2})。"
    ),
    "gr.path_rises": "学习率 {lr} 时损失在第 {step} 步上升:步子迈过头了。更小的学习率让每一步都下坡。",
    "gr.no_minimum": ("没有标签平滑时不存在最小值:z{c} 比其他 logits 越大,损失就越小,所以箭头始终指向外侧。"),
    "gr.minimum": (
        "ε = {eps} 时最小值位于有限的差距处:对另外两个类别都有 z{c} − z_k = T · log((1 − ε + ε/3) / (ε/3)) = "
        "{gap},即 (z1, z2) = ({z1}, {z2})(×),此处 p 恰好等于 y。"
    ),
    "gr.minimum_outside": "它位于所画的方框之外。",
    "gr.sweep_title": "交叉熵与均方误差的对比",
    "gr.sweep_intro": (
        "两种损失作用于同一个 softmax 输出和目标,真实类别的 logit z{c} 从非常错误移动到非常正确"
        "(其他 logits 不变)。上图:损失。下图:−dL/dz{c},即一步把真实 logit 抬高多少(实线),"
        "以及整个梯度的大小 ‖dL/dz‖(点线)。"
    ),
    "gr.sweep_sentence": (
        "当前(z{c} = {z},p{c} = {p})一步对 z{c} 的推动:交叉熵为 {ce},MSE 为 {mse}。"
        "自信地犯错时,在 z{c} = {low}(p{c} = {p_low})处,交叉熵仍以 {ce_low} 推动,"
        "而 MSE 的推动已衰减到 {mse_low},弱了 {ratio} 倍:MSE 的梯度带有因子 p{c},"
        "恰好在模型错得最厉害时接近 0(它其余的梯度,范数 {mse_norm},只是在错误类别之间挪动概率)。"
    ),
    "gr.jacobian_title": "Softmax 的雅可比矩阵",
    "gr.jacobian_intro": (
        "J = diag(p) − p pᵀ:第 (k, j) 项是 ∂p_k/∂s_j。提高 s_j 会提高 p_j(对角线为正,蓝色),"
        "并降低其他所有 p_k(为负,红色);每一行之和为 0。"
    ),
    "gr.jacobian_caption": "用 Jᵀ 乘以 g = dL/dp = −y / p,就是整个链式法则:",
    "gr.fig.landscape": "损失随 (z1, z2) 变化,z0 = 0,真实类别 {true_class}",
    "gr.fig.minimum": "最小值(标签平滑)",
    "gr.fig.point": "当前 z",
    "gr.fig.path": "梯度下降",
    "gr.fig.click_hover": "({x}, {y}):点击把 ★ 移到这里",
    "gr.fig.sweep": "z{true_class} 变化时的交叉熵与 MSE",
    "gr.fig.ce": "交叉熵",
    "gr.fig.mse": "MSE",
    "gr.fig.loss": "损失",
    "gr.fig.gradient": "−dL/dz_c, ‖dL/dz‖",
    "gr.fig.wrong": "← 非常错误",
    "gr.fig.right": "非常正确 →",
    "gr.fig.here": "当前 z",
    "gr.fig.jacobian": "J = diag(p) − p pᵀ",
    "gr.alt.landscape": (
        "z1 与 z2 在 −6 到 6 之间的损失等高线图,损失介于 {low} 与 {high};当前点 ({z1}, {z2}) 的损失为 {loss};"
        "{steps} 步梯度下降后损失为 {last}。"
    ),
    "gr.alt.sweep": (
        "z{c} 从 −12 移动到 12(当前 {z})时交叉熵与 MSE 的折线图;在 z{c} = {low} 处,"
        "对真实 logit 的推动:交叉熵 {ce},MSE {mse}。"
    ),
    "gr.alt.jacobian": "3×3 softmax 雅可比矩阵的热力图;对角线为 {diagonal}。",
    "gr.cap.jacobian": "p = {probs} 处的 softmax 雅可比矩阵 J = diag(p) − p pᵀ:每行、每列之和都为 0。",
}
