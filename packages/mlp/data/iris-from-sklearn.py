"""Writes iris.csv from scikit-learn's copy: a header line with the column names and the species
names as labels. Run: /usr/bin/python3 data/iris-from-sklearn.py"""
import os

import sklearn.datasets

src = os.path.join(os.path.dirname(sklearn.datasets.__file__), "data", "iris.csv")
with open(src) as f:
    lines = f.read().strip().split("\n")
species = lines[0].split(",")[2:]  # the first line is "150,4,setosa,versicolor,virginica"
out = ["sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species"]
for line in lines[1:]:
    cells = line.split(",")
    out.append(",".join(cells[:4] + [species[int(cells[4])]]))
dst = os.path.join(os.path.dirname(os.path.abspath(__file__)), "iris.csv")
with open(dst, "w") as f:
    f.write("\n".join(out) + "\n")
print("wrote", dst)
