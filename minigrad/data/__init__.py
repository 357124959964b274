"""Datasets and batching: Dataset, TensorDataset, DataLoader, and two real digit sets."""
from .collate import default_collate
from .dataloader import DataLoader
from .dataset import Dataset, Subset, TensorDataset, random_split
from .digits import load_digits
from .mnist import MNIST, read_idx

__all__ = ["Dataset", "TensorDataset", "Subset", "random_split", "DataLoader",
           "default_collate", "load_digits", "MNIST", "read_idx"]
