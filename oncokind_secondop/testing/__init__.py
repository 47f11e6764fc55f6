"""Contract tests a host can run against its own adapters.

Subclass a contract in your test suite and say how to build your adapter;
pytest collects the inherited tests::

    from oncokind_secondop.testing import FileStoreContract, RecordStoreContract

    class TestMyS3Store(FileStoreContract):
        def make_store(self, tmp_path):
            return MyS3Store(bucket=...)

    class TestOurRecords(RecordStoreContract):
        def make_store(self, tmp_path):
            app = create_app(testing=True)          # your factory, your db
            with app.app_context():
                db.create_all()                     # or run the migrations
                yield app.extensions["secondop"].records
                db.session.remove()
                db.drop_all()

The package runs the same contracts against its own defaults.
"""
from __future__ import annotations

from .auth import AuthAdapterContract
from .files import FileStoreContract
from .records import RecordStoreContract

__all__ = ["AuthAdapterContract", "FileStoreContract", "RecordStoreContract"]
