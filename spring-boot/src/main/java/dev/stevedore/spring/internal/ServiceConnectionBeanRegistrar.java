package dev.stevedore.spring.internal;

import dev.stevedore.dsl.Startable;
import dev.stevedore.spring.ContainerConnectionSource;
import dev.stevedore.spring.ServiceConnection;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Finds the container beans whose {@code @Bean} method carries {@link ServiceConnection}, by their declared types
 * (nothing is made here), and registers connection details for each that get the bean, started, when first read.
 * The bean stops when the context closes it (a container is {@code AutoCloseable}).
 */
final class ServiceConnectionBeanRegistrar implements ImportBeanDefinitionRegistrar, BeanFactoryAware {
    private ConfigurableListableBeanFactory beanFactory;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        for (String name : beanFactory.getBeanNamesForType(Startable.class, true, false)) {
            if (beanFactory.findAnnotationOnBean(name, ServiceConnection.class, false) == null) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Class<? extends Startable> type = (Class<? extends Startable>) beanFactory.getType(name, false);
            StartOnDemand start = new StartOnDemand(() -> beanFactory.getBean(name, Startable.class));
            ConnectionDetailsBeans.register(registry, name + "ServiceConnection",
                    new ContainerConnectionSource("bean '" + name + "'", type, start), beanFactory.getBeanClassLoader());
        }
    }
}
