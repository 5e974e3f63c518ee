/**
 * Architectures as DJL blocks: {@link io.flnas.djl.model.ArchitectureBlocks} turns a core {@link
 * io.flnas.arch.Architecture} into a {@link ai.djl.nn.Block} layer for layer (group normalization
 * has its own block), so the analytic parameter count and DJL's agree.
 */
package io.flnas.djl.model;
