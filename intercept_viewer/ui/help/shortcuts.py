"""Help ▸ Keyboard shortcuts: a searchable list built from the window's own actions.

Read from the actions themselves (menus first, then actions living only on the window or a
view), so the list can't drift from what the keys really do: a shortcut added anywhere shows
up here, and one removed disappears.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from intercept_viewer.ui.widgets.row_table_model import RowTableModel

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Shortcut:
    """One key binding: where the action lives (``File``, ``Edit``…), what it does, its keys."""

    where: str
    action: str
    keys: str


def _plain(text: str) -> str:
    """``&Open…`` → ``Open…`` (a doubled ``&&`` is a literal ampersand)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _keys(action: QAction) -> str:
    native = QKeySequence.SequenceFormat.NativeText
    return ", ".join(s.toString(native) for s in action.shortcuts() if not s.isEmpty())


def collect_shortcuts(window: QWidget) -> list[Shortcut]:
    """Every action of ``window`` that has a key, named by the menu it sits in."""
    seen: set[int] = set()
    found: list[Shortcut] = []

    def visit(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                visit(sub, f"{path} ▸ {_plain(sub.title())}")
                continue
            keys = _keys(action)
            if keys and id(action) not in seen:
                seen.add(id(action))
                found.append(Shortcut(path, _plain(action.text()), keys))

    bar = getattr(window, "menuBar", None)
    if bar is not None:
        for top in bar().actions():
            menu = top.menu()
            if isinstance(menu, QMenu):
                visit(menu, _plain(menu.title()))
    for action in window.findChildren(QAction):
        keys = _keys(action)
        if keys and id(action) not in seen and action.text():
            seen.add(id(action))
            parent = action.parent()
            where = _plain(parent.windowTitle()) if isinstance(parent, QWidget) else ""
            found.append(Shortcut(where or "Window", _plain(action.text()), keys))
    return found


class ShortcutModel(RowTableModel):
    """The shortcuts as a table: where, action, keys."""

    columns = ("Menu", "Action", "Keys")

    def set_shortcuts(self, rows: list[Shortcut]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if row is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (row.where, row.action, row.keys)[index.column()]


class ShortcutsDialog(QDialog):
    """A filter box over the shortcut table; typing narrows it on every column."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        self.model = ShortcutModel(self)
        self.model.set_shortcuts(collect_shortcuts(window))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Type to find a shortcut (an action, a menu or a key)…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.ResizeToContents
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 520)
        self.filter_edit.setFocus()

    def visible_rows(self) -> list[tuple[str, str, str]]:
        return [
            tuple(self.proxy.index(r, c).data() for c in range(3))
            for r in range(self.proxy.rowCount())
        ]
