/**
 * The frame-stage extension point: {@link io.swarmnet.packet.stage.FrameStage}, what a data
 * path runs frames through without knowing what it is, with the {@link
 * io.swarmnet.packet.stage.BatchClock} the two share and the {@link
 * io.swarmnet.packet.stage.FrameSink} a stage's own frames leave by.
 */
package io.swarmnet.packet.stage;
