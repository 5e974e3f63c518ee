/**
 * The architecture model: an immutable, validated description of a CNN as data ({@link
 * io.flnas.arch.Architecture}, {@link io.flnas.arch.Layer}), its canonical JSON form and content
 * hash ({@link io.flnas.arch.ArchitectureJson}), shape inference ({@link io.flnas.arch.Shapes}),
 * analytic hardware cost ({@link io.flnas.arch.Cost}) and the paper's reference networks ({@link
 * io.flnas.arch.ReferenceArchitectures}). Nothing here runs a network.
 */
package io.flnas.arch;
