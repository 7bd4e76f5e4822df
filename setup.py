# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import os.path as osp

from setuptools import find_packages, setup


def read_requirements(name):
    path = osp.join(osp.dirname(__file__), 'requirements', name)
    with open(path) as f:
        return [
            line.split('#')[0].strip() for line in f
            if line.split('#')[0].strip() and not line.startswith('-r')
        ]


def get_version():
    ns = {}
    with open(osp.join('dsym_mm', 'version.py')) as f:
        exec(f.read(), ns)
    return ns['__version__']


setup(
    name='dsym_mm',
    version=get_version(),
    description='DSYM: semi-supervised industrial surface-defect detection '
    'for MMDetection / MMYOLO',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    license='GPL-3.0',
    packages=find_packages(exclude=('configs', 'tools', 'tests')),
    # the fused CPU selective scan, compiled on first use
    package_data={'dsym_mm': ['models/layers/csrc/*.cpp']},
    python_requires='>=3.9',
    # mmcv is built from source by tools/setup_env.sh
    # (see requirements/mmcv.txt)
    install_requires=read_requirements('runtime.txt'),
    extras_require={
        'tests': read_requirements('tests.txt'),
        'mamba': read_requirements('optional.txt'),
    },
    zip_safe=False,
)
