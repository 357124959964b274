"""Datasets and batching (also importable as ``minigrad.utils.data``): Dataset,
TensorDataset, samplers, DataLoader, and two real digit sets."""
from .collate import default_collate, default_convert
from .dataloader import DataLoader, get_worker_info
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset,
                      Subset, TensorDataset, random_split)
from .digits import load_digits
from .distributed import DistributedSampler
from .mnist import MNIST, read_idx
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler,
                      SubsetRandomSampler, WeightedRandomSampler)

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset",
           "StackDataset", "ChainDataset",
           "random_split", "Sampler", "SequentialSampler", "RandomSampler",
           "SubsetRandomSampler", "WeightedRandomSampler", "BatchSampler", "DistributedSampler", "DataLoader",
           "get_worker_info", "default_collate", "default_convert", "load_digits", "MNIST",
           "read_idx"]
