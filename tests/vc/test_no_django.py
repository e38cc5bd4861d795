import subprocess
import sys


def test_the_standards_library_imports_without_django() -> None:
    # A fresh interpreter where importing Django fails: every laurel.vc module must still load.
    code = (
        "import sys, pkgutil, importlib\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'django' or name.startswith('django.'):\n"
        "            raise ImportError('django is blocked')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import laurel.vc\n"
        "for m in pkgutil.walk_packages(laurel.vc.__path__, 'laurel.vc.'):\n"
        "    importlib.import_module(m.name)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
