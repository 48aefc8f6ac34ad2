"""The lesson registry: every lesson once, in teaching order.

A lesson's number is its place in this list; its title (the page's heading, the navigation
entry, the notebook's heading) and its line on the home pages are written here and nowhere
else. The MkDocs hook scripts/dlcamp/site_build/lessons.py puts them on the pages;
tests/test_lessons.py names anything that disagrees (a page without an entry, a dataset a
lesson's snippets load that its entry does not name, ...).

To add a lesson: write docs/lessons/<slug>.md and <slug>.en.md (no `# title` line: it
comes from here), its snippets in snippets/<slug>/, and one entry below. To move a lesson,
move its entry: every number follows. `python scripts/new_lesson.py` writes the skeleton.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Lesson:
    slug: str  # docs/lessons/<slug>.md, snippets/<slug>/, notebooks/<slug>.ipynb
    title: dict[str, str]  # language -> title (heading and navigation)
    home: dict[str, str] = field(default_factory=dict)  # longer line on the home page
    datasets: tuple[str, ...] = ()  # torchvision folders its snippets read: MNIST, ...
    threads: int | None = None  # CPU threads per snippet for its figures (CONTRIBUTING.md)

    def home_line(self, lang: str) -> str:
        return self.home.get(lang) or self.title[lang]


LESSONS = (
    Lesson("basics", {"zh": "PyTorch 基础", "en": "PyTorch basics"}),
    Lesson("learning", {"zh": "模型如何学习", "en": "How a model learns"},
           home={"zh": "模型如何学习：损失、梯度下降与过拟合",
                 "en": "How a model learns: loss, gradient descent, overfitting"}),
    Lesson("backprop", {"zh": "反向传播", "en": "Backpropagation"}),
    Lesson("spiral", {"zh": "螺旋数据分类", "en": "Classifying spiral data"},
           home={"zh": "螺旋数据分类：线性模型与 ReLU 网络",
                 "en": "Classifying spiral data: a linear model against a ReLU network"}),
    Lesson("activations", {"zh": "激活函数与梯度消失",
                           "en": "Activation functions and vanishing gradients"}),
    Lesson("softmax", {"zh": "Softmax 与交叉熵", "en": "Softmax and cross-entropy"}),
    Lesson("pipeline", {"zh": "数据加载与预处理", "en": "The data pipeline"},
           datasets=("MNIST",)),
    Lesson("optimizers", {"zh": "优化器：SGD、动量与 Adam",
                          "en": "Optimizers: SGD, momentum and Adam"}),
    Lesson("conv", {"zh": "卷积层", "en": "Convolution, step by step"},
           datasets=("MNIST",)),
    Lesson("mnist", {"zh": "MNIST 分类：全连接 vs 卷积",
                     "en": "MNIST: fully connected vs convolutional"},
           datasets=("MNIST",)),
    Lesson("questions", {"zh": "思考题", "en": "Questions from the camp"},
           home={"zh": "思考题：AlexNet 与 LeNet、更深还是更宽、SGD 还是 Adam",
                 "en": "Questions from the camp: AlexNet vs LeNet, deeper or wider, "
                       "SGD or Adam"}),
    Lesson("resnet", {"zh": "ResNet 与 SE 注意力", "en": "ResNet and SE attention"},
           home={"zh": "ResNet：退化问题、残差连接、瓶颈结构与 SE 通道注意力",
                 "en": "ResNet: the degradation problem, residual connections, bottlenecks "
                       "and SE channel attention"},
           datasets=("FashionMNIST",)),
    Lesson("augmentation", {"zh": "数据增强", "en": "Data augmentation"},
           home={"zh": "数据增强：裁剪翻转、RandAugment、MixUp 与 CutMix，以及模型的校准",
                 "en": "Data augmentation: crop and flip, RandAugment, MixUp and CutMix, "
                       "and calibration"},
           datasets=("FashionMNIST", "MNIST")),
    Lesson("transfer", {"zh": "迁移学习：在自己的图片上微调",
                        "en": "Transfer learning: fine-tuning on your own photos"},
           home={"zh": "迁移学习：用 ImageFolder 读自己的照片，换分类头、冻结与解冻、参数组，"
                       "以及标签越少预训练越有用吗",
                 "en": "Transfer learning: your own photos with ImageFolder, a new head, "
                       "freezing and unfreezing, parameter groups, and whether pretraining "
                       "helps most with few labels"},
           datasets=("FashionMNIST",), threads=2),
    Lesson("rnn", {"zh": "循环神经网络：RNN、LSTM 与梯度裁剪",
                   "en": "Recurrent networks: RNN, LSTM and gradient clipping"},
           home={"zh": "循环神经网络：手写 RNN 与 LSTM、随时间反向传播中的梯度消失与爆炸、"
                       "延迟作答的 MNIST 与梯度裁剪",
                 "en": "Recurrent networks: RNN and LSTM by hand, vanishing and exploding "
                       "gradients through time, MNIST with a delayed answer, and gradient "
                       "clipping"},
           datasets=("MNIST",)),
    Lesson("normalization", {"zh": "归一化与正则化", "en": "Normalization and regularization"},
           home={"zh": "归一化与正则化：手写 BatchNorm 与 LayerNorm、训练与评估模式、Dropout、"
                       "权重衰减与 AdamW、早停",
                 "en": "Normalization and regularization: BatchNorm and LayerNorm by hand, "
                       "train and eval mode, dropout, weight decay and AdamW, early stopping"},
           datasets=("MNIST",)),
    Lesson("attention", {"zh": "注意力机制与 Transformer", "en": "Attention and a small Transformer"},
           home={"zh": "注意力机制：手写缩放点积注意力、掩码、位置编码、多头注意力，"
                       "以及一个在 CPU 上训练的两层 Transformer",
                 "en": "Attention: scaled dot-product attention by hand, masks, positional "
                       "encodings, multi-head attention, and a 2-layer Transformer trained "
                       "on the CPU"},
           datasets=("MNIST",)),
)

BY_SLUG = {lesson.slug: lesson for lesson in LESSONS}


def number(slug: str) -> int:
    """The lesson's place in the teaching order, from 1."""
    return [lesson.slug for lesson in LESSONS].index(slug) + 1


def heading(slug: str, lang: str) -> str:
    """'1. PyTorch 基础': the page's title, as the page, the navigation and the notebook
    show it."""
    return f"{number(slug)}. {BY_SLUG[slug].title[lang]}"


def neighbours(slug: str) -> tuple[Lesson | None, Lesson | None]:
    """The lessons before and after, in teaching order."""
    i = number(slug) - 1
    return (LESSONS[i - 1] if i > 0 else None,
            LESSONS[i + 1] if i + 1 < len(LESSONS) else None)
