/**
 * The inputs of a search: the {@link io.flnas.space.SearchSpace} ("Choices"; an interface whose
 * paper implementation is the layer-wise {@link io.flnas.space.LayerwiseSpace}), the {@link
 * io.flnas.space.Template} a designer must follow, and the {@link io.flnas.space.DeploymentTarget}
 * ("Env") with its budgets. Ready-made ones live in {@link io.flnas.space.SearchSpaces}, {@link
 * io.flnas.space.Templates} and {@link io.flnas.space.DeploymentTargets}.
 */
package io.flnas.space;
