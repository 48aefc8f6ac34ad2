"""MkDocs hook: every lesson notebook of a language in one zip, for readers who reach
neither GitHub nor Colab (site/notebooks/dlcamp-notebooks-<lang>.zip, linked from the home
pages). The notebooks carry their outputs and figures, so the archive is self-contained.
The zip is deterministic (fixed dates, sorted names): a rebuild gives the same bytes."""
import zipfile
from pathlib import Path

from dlcamp.facts import LANGUAGES, source_name
from dlcamp.lessons import LESSONS

README = {
    "zh": "深度学习训练营（DL Camp）全部课程的 notebook。\n\n"
          "安装：pip install torch torchvision matplotlib notebook\n"
          "（pip 下载慢时先换成国内镜像：pip config set global.index-url "
          "https://pypi.tuna.tsinghua.edu.cn/simple）\n"
          "运行：在本文件夹中运行 jupyter notebook。\n\n"
          "数据：用到 MNIST 或 Fashion-MNIST 的课会把数据下载到本文件夹的 data/。下载失败时，"
          "把这四个文件 train-images-idx3-ubyte.gz、train-labels-idx1-ubyte.gz、"
          "t10k-images-idx3-ubyte.gz、t10k-labels-idx1-ubyte.gz 放进 data/MNIST/raw/"
          "（Fashion-MNIST 的同名文件放进 data/FashionMNIST/raw/）；数据在别处时，在 notebook "
          "最前面加一个单元格，运行 %env DLCAMP_DATA=含有 MNIST/raw/ 或 "
          "FashionMNIST/raw/ 的文件夹。\n",
    "en": "All lesson notebooks of DL Camp.\n\n"
          "Install: pip install torch torchvision matplotlib notebook\n"
          "(if pip is slow, first point it at a mirror in China: pip config set "
          "global.index-url https://pypi.tuna.tsinghua.edu.cn/simple)\n"
          "Run: jupyter notebook in this folder.\n\n"
          "Data: lessons that use MNIST or Fashion-MNIST download it to data/ in this folder. "
          "If that fails, put the four files train-images-idx3-ubyte.gz, "
          "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz "
          "into data/MNIST/raw/ (Fashion-MNIST's files, same names, into "
          "data/FashionMNIST/raw/); if the data is elsewhere, add a cell at the top of the "
          "notebook and run %env DLCAMP_DATA=<the folder that holds MNIST/raw/ or "
          "FashionMNIST/raw/> in it.\n",
}


def archive_name(lang: str) -> str:
    return f"dlcamp-notebooks-{lang}.zip"


WRITTEN = {}  # target -> the notebooks' bytes it holds: a rebuild under serve skips it


def write_archive(docs: Path, site: Path, lang: str) -> Path:
    target = site / "notebooks" / archive_name(lang)
    sources = [docs / "notebooks" / source_name(lesson.slug, lang, ".ipynb") for lesson in LESSONS]
    state = [(p.name, p.stat().st_mtime_ns) for p in sources if p.exists()]
    if target.exists() and WRITTEN.get(target) == state:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = archive_name(lang).removesuffix(".zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        def add(name: str, data: bytes):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
        add("README.txt", README[lang].encode("utf-8"))
        for lesson in LESSONS:
            source = docs / "notebooks" / source_name(lesson.slug, lang, ".ipynb")
            if source.exists():  # a new lesson before its first build has none yet
                add(source.name, source.read_bytes())
    WRITTEN[target] = state
    return target


def on_post_build(config, **kwargs):
    """mkdocs-static-i18n builds the other languages into site/<lang>/: the archives go
    to the site root's notebooks/ folder either way (written twice, the same bytes)."""
    docs, site = Path(config["docs_dir"]), Path(config["site_dir"])
    root = site.parent if site.name in LANGUAGES[1:] else site
    for lang in LANGUAGES:
        write_archive(docs, root, lang)
