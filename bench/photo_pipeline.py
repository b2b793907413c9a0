"""Benchmark: a 24-megapixel phone JPEG through add_photo's whole pipeline.

Builds a 6000 × 4000 JPEG with a phone's EXIF (GPS, device, portrait orientation), then
adds it to a trip N times with `tours.services.add_photo`: content checks, full decode,
orientation, EXIF stripping, the re-encoded original, six renditions, storage and the
database row. Prints the time per photo (target: ≤ 1.5 s on the reference 2-core
machine) and the peak memory, and writes bench/photo_pipeline.json.

    python bench/photo_pipeline.py [--runs N]

The photos are added in a fresh child process, so its peak resident memory is the
pipeline's and not the cost of drawing the test picture.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "photo_pipeline.json"
SIZE = (6000, 4000)
TARGET_SECONDS = 1.5


def django_setup(workdir: Path):
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
        DJANGO_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


def build_source(workdir: Path) -> Path:
    django_setup(workdir)
    from tours.demo_photos import demo_photo, phone_exif

    data = demo_photo(
        size=SIZE,
        colour=(11, 92, 173),
        title="Benchmark 24 MP",
        texture=True,
        exif=phone_exif(taken_at=datetime(2024, 2, 26, 10, 15), orientation=6),
    )
    path = workdir / "IMG_0001.JPG"
    path.write_bytes(data)
    return path


def status_mb(field: str) -> float | None:
    """A memory figure of this process from /proc (Linux), in MiB."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def resident_mb() -> float:
    return status_mb("VmRSS") or peak_mb()


def peak_mb() -> float:
    # VmHWM, not ru_maxrss: Linux hands a child the parent's ru_maxrss across fork and
    # exec, and the parent peaked drawing the 24-megapixel test picture.
    return status_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(source: Path, runs: int) -> dict:
    """Add the photo `runs` times in this (fresh) process and measure."""
    workdir = source.parent
    django_setup(workdir)
    from django.contrib.auth import get_user_model
    from django.core.files import File
    from django.core.management import call_command

    from tours.models import Trip
    from tours.services import add_photo

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_superuser("bench", password="bench-only")
    trip = Trip.objects.create(title="基准测试", start_date="2024-02-26", end_date="2024-02-28")

    baseline = resident_mb()
    tracemalloc.start()
    times, cpu_times, peaks = [], [], []
    for _ in range(runs):
        with source.open("rb") as handle:
            started, cpu_started = time.perf_counter(), time.process_time()
            photo = add_photo(trip=trip, file=File(handle, name=source.name), user=user)
            times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu_started)
            peaks.append(peak_mb())
    python_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {
        "times": times,
        "cpu_times": cpu_times,
        "rss_baseline_mb": baseline,
        "rss_peaks_mb": peaks,
        "python_peak_mb": python_peak,
        "stored": {"width": photo.width, "height": photo.height, "taken_at": str(photo.taken_at)},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.runs)))
        return

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="photo-bench-") as tmp:
        source = build_source(Path(tmp))
        answer = subprocess.run(
            [sys.executable, __file__, "--child", str(source), "--runs", str(args.runs)],
            check=True,
            capture_output=True,
            text=True,
        )
        measured = json.loads(answer.stdout.strip().splitlines()[-1])
        source_mb = source.stat().st_size / 2**20

    times, cpu_times = measured["times"], measured["cpu_times"]
    steady = times[1:] or times
    peaks = [round(peak - measured["rss_baseline_mb"], 1) for peak in measured["rss_peaks_mb"]]
    results = {
        "photo": f"{SIZE[0]} × {SIZE[1]} JPEG ({SIZE[0] * SIZE[1] / 1e6:.0f} MP), "
        f"{source_mb:.1f} MB, EXIF with GPS, orientation 6",
        "runs": len(times),
        "seconds_per_photo": {
            "first": round(times[0], 3),
            "median": round(statistics.median(steady), 3),
            "mean": round(statistics.mean(steady), 3),
            "max": round(max(times), 3),
            # CPU time of this process alone: what the photo costs without the other
            # programs sharing the machine (the wall times above include waiting for them).
            "cpu_median": round(statistics.median(cpu_times[1:] or cpu_times), 3),
        },
        "target_seconds": TARGET_SECONDS,
        "meets_target": statistics.median(steady) <= TARGET_SECONDS,
        "peak_memory_mb": {
            "resident_added_by_first_photo": peaks[0],
            "resident_added_after_all_runs": peaks[-1],
            "resident_process_peak": round(measured["rss_peaks_mb"][-1], 1),
            "python_objects_tracemalloc": round(measured["python_peak_mb"], 1),
        },
        "stored_original": measured["stored"],
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            # Other programs on the machine slow the wall times: 1-minute load before/after.
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        },
        "measured_at": datetime.now().isoformat(timespec="seconds"),
    }
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    per_photo = results["seconds_per_photo"]
    memory = results["peak_memory_mb"]
    print(f"Photo pipeline: {results['photo']}, {len(times)} runs")
    print(
        f"  time per photo: median {per_photo['median']} s, mean {per_photo['mean']} s, "
        f"first {per_photo['first']} s, max {per_photo['max']} s, "
        f"CPU {per_photo['cpu_median']} s "
        f"(target ≤ {TARGET_SECONDS} s: {'met' if results['meets_target'] else 'NOT met'})"
    )
    print(
        f"  peak memory: +{memory['resident_added_by_first_photo']} MB resident for the first "
        f"photo, +{memory['resident_added_after_all_runs']} MB after {len(times)} "
        f"(process peak {memory['resident_process_peak']} MB); "
        f"Python objects {memory['python_objects_tracemalloc']} MB (tracemalloc; Pillow's "
        f"pixel buffers are outside its view)"
    )
    print(f"  written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
