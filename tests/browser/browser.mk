# SPDX-License-Identifier: BSD-2-Clause
# The console's pages in Debian's headless Chromium (docs/console.md); screenshots
# go to build/screenshots.
TEST_SCRIPTS += tests/browser/console_shell.sh
TEST_SCRIPTS += tests/browser/console_queue.sh
TEST_SCRIPTS += tests/browser/console_rings.sh
TEST_SCRIPTS += tests/browser/console_stats.sh
TEST_SCRIPTS += tests/browser/console_cards.sh
TEST_SCRIPTS += tests/browser/console_fleet.sh
TEST_SCRIPTS += tests/browser/console_firmware.sh
TEST_SCRIPTS += tests/browser/console_admin.sh
TEST_SCRIPTS += tests/browser/console_ladder.sh
TEST_SCRIPTS += tests/browser/console_evidence.sh
