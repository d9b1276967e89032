/**
 * Parts the built-in vendor simulators share: a clock that tests can freeze and advance, a
 * per-credentials rate limit on real time and the fault switch with its admin JSON. Plain classes:
 * each simulator owns its instances (as demo/test-only beans of its own), so resetting or advancing
 * one simulator leaves the others alone.
 */
package dev.taskruns.connector.simulator;
